import { createStore } from 'zustand/vanilla';

/** The page's screens (the View switch): one technique at a time, all four side by side, the lessons, the guide, the Scaling lab. */
export type ScreenId = 'playground' | 'compare' | 'lessons' | 'guide' | 'scale';

const LINKED_SCREENS: readonly ScreenId[] = ['compare', 'lessons', 'guide', 'scale'];

/** The screen a link opens (its `view` query parameter). */
export function initialScreen(search = ''): ScreenId {
  const screen = new URLSearchParams(search).get('view');
  return LINKED_SCREENS.find((id) => id === screen) ?? 'playground';
}

export const screenStore = createStore<{ screen: ScreenId }>(() => ({
  screen: initialScreen(typeof location === 'undefined' ? '' : location.search),
}));
