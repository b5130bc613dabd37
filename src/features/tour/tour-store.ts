import { createStore } from 'zustand/vanilla';
import { readFlag, writeFlag } from '../local-flag';

/** localStorage key: "done" once the tour was finished or skipped. */
export const TOUR_KEY = 'realtime-lab:tour';

/** The address the page was opened with (read before the set-up rewrites it). */
export const INITIAL_SEARCH = typeof location === 'undefined' ? '' : location.search;

/** The first-run tour: whether it is showing, and which step. */
export const tourStore = createStore<{ open: boolean; step: number }>(() => ({
  open: false,
  step: 0,
}));

/**
 * Whether this page load opens the tour by itself: on the first visit (no
 * "done" remembered), unless the address says `tour=0`; `tour=1` opens it
 * regardless. Tests and the fixture recorder pass their way around it
 * (playwright.config.ts remembers it as done).
 */
export function tourOnLoad(search: string, done: boolean): boolean {
  const asked = new URLSearchParams(search).get('tour');
  if (asked === '1') return true;
  if (asked === '0') return false;
  return !done;
}

export function tourDone(): boolean {
  return readFlag(TOUR_KEY) === 'done';
}

export function openTour(): void {
  tourStore.setState({ open: true, step: 0 });
}

/** Finished or skipped: remembered, so it does not open by itself again. */
export function endTour(): void {
  writeFlag(TOUR_KEY, 'done');
  tourStore.setState({ open: false, step: 0 });
}

export function goToStep(step: number): void {
  tourStore.setState({ step });
}
