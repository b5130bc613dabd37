import { createStore } from 'zustand/vanilla';

/** The page's screens (the View switch): one technique at a time, all four side by side, the lessons, the guide. */
export type ScreenId = 'playground' | 'compare' | 'lessons' | 'guide';

/** The screen a link opens (its `view` query parameter). */
export function initialScreen(search = ''): ScreenId {
  const screen = new URLSearchParams(search).get('view');
  return screen === 'compare' || screen === 'lessons' || screen === 'guide' ? screen : 'playground';
}

export const screenStore = createStore<{ screen: ScreenId }>(() => ({
  screen: initialScreen(typeof location === 'undefined' ? '' : location.search),
}));
