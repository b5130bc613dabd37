import { createStore } from 'zustand/vanilla';

/** The page's two screens: one technique at a time, or all four side by side. */
export type AppView = 'playground' | 'compare';

export function initialView(search = ''): AppView {
  return new URLSearchParams(search).get('view') === 'compare' ? 'compare' : 'playground';
}

export const viewStore = createStore<{ view: AppView }>(() => ({
  view: initialView(typeof location === 'undefined' ? '' : location.search),
}));
