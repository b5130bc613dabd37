import { createStore } from 'zustand/vanilla';

/** The page's screens: one technique at a time, all four side by side, the lessons, the guide. */
export type AppView = 'playground' | 'compare' | 'lessons' | 'guide';

export function initialView(search = ''): AppView {
  const view = new URLSearchParams(search).get('view');
  return view === 'compare' || view === 'lessons' || view === 'guide' ? view : 'playground';
}

export const viewStore = createStore<{ view: AppView }>(() => ({
  view: initialView(typeof location === 'undefined' ? '' : location.search),
}));
