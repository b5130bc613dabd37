import { createStore } from 'zustand/vanilla';

/** Presenter mode (large, high contrast, diagram and counters only) and the shortcuts overlay. */
export const presenterStore = createStore<{ presenter: boolean; help: boolean }>(() => ({
  presenter:
    typeof location !== 'undefined' &&
    new URLSearchParams(location.search).get('presenter') === '1',
  help: false,
}));
