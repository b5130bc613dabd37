import type { Timers } from './timers';

/**
 * A stream or socket with no sign of life (an event, a frame, a heartbeat) for
 * this many heartbeat intervals is presumed dead (half-open) and reopened.
 */
export const SILENCE_HEARTBEATS = 2.5;

export interface SilenceWatch {
  /** The interval a live connection sends its heartbeats at (ms). */
  heartbeatMs: number;
  now: () => number;
  /** When the connection last showed it was alive. */
  lastHeard: () => number;
  /** Whether the watched connection is still the current one; the watch ends when it is not. */
  isCurrent: () => boolean;
  /** The connection was silent for `silentForMs` (the watch has ended). */
  onSilent: (silentForMs: number) => void;
}

/**
 * Notices a silent connection: open, but no sign of life for SILENCE_HEARTBEATS
 * heartbeat intervals (a half-open connection never errors by itself). Checks
 * four times a window (at least every 100 ms); returns the check's timer, which
 * `timers.clear` ends.
 */
export function watchSilence(timers: Timers, watch: SilenceWatch): ReturnType<typeof setTimeout> {
  const windowMs = SILENCE_HEARTBEATS * watch.heartbeatMs;
  const check = timers.every(
    () => {
      if (!watch.isCurrent()) {
        timers.clear(check);
        return;
      }
      const silentForMs = watch.now() - watch.lastHeard();
      if (silentForMs < windowMs) return;
      timers.clear(check);
      watch.onSilent(silentForMs);
    },
    Math.max(100, windowMs / 4),
  );
  return check;
}
