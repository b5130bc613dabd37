import type { TraceEvent } from '../core';
import { byTime } from './bisect';

/** The speeds a recording can be replayed at. */
export const REPLAY_SPEEDS = [0.25, 0.5, 1, 2, 4] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];

/**
 * Where a replay stands: a position in ms from the recording's first event.
 * Pure, so a replayed trace reaches exactly the states the live one went through.
 */
export interface ReplayState {
  position: number;
  speed: ReplaySpeed;
  playing: boolean;
}

export function recordingSpan(events: readonly TraceEvent[]): { start: number; duration: number } {
  if (events.length === 0) return { start: 0, duration: 0 };
  let start = Infinity;
  let end = -Infinity;
  for (const event of events) {
    start = Math.min(start, event.t);
    end = Math.max(end, event.t);
  }
  return { start, duration: end - start };
}

/** How many events (in time order) have happened by `position` ms into the recording. */
export function eventsAt(
  sortedByTime: readonly TraceEvent[],
  start: number,
  position: number,
): number {
  return byTime.right(sortedByTime, start + position);
}

/** Moves the replay on by `elapsedMs` of wall time; stops at the end. */
export function advance(state: ReplayState, elapsedMs: number, duration: number): ReplayState {
  if (!state.playing) return state;
  const position = Math.min(duration, state.position + elapsedMs * state.speed);
  return { ...state, position, playing: position < duration };
}

/** The position of the next (or previous) event after the current position: stepping one event at a time. */
export function stepPosition(
  sortedByTime: readonly TraceEvent[],
  start: number,
  position: number,
  direction: 1 | -1,
): number {
  const shown = eventsAt(sortedByTime, start, position);
  if (direction === 1) {
    const next = sortedByTime[shown];
    return next ? next.t - start : position;
  }
  // Back: to just before the last shown event, i.e. the time of the one before it.
  const previous = sortedByTime[shown - 2];
  return shown >= 2 && previous ? previous.t - start : 0;
}

export function sortByTime(events: readonly TraceEvent[]): TraceEvent[] {
  return [...events].sort((a, b) => a.t - b.t || a.seq - b.seq);
}
