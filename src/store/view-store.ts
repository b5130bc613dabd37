import { createStore } from 'zustand/vanilla';

/** The page's screens: one technique at a time, all four side by side, the lessons. */
export type AppView = 'playground' | 'compare' | 'lessons';

export function initialView(search = ''): AppView {
  const view = new URLSearchParams(search).get('view');
  return view === 'compare' || view === 'lessons' ? view : 'playground';
}

export const viewStore = createStore<{ view: AppView }>(() => ({
  view: initialView(typeof location === 'undefined' ? '' : location.search),
}));
