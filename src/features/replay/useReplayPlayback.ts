import { useEffect, type Dispatch, type SetStateAction } from 'react';
import type { TraceEvent } from '../../core';
import { advance, eventsAt, type ReplayState } from '../../diagram/replay';
import type { TraceStore } from '../../store/trace-store';
import type { ReplaySetup } from './replay-setup';

interface ReplayPlayback {
  recording: readonly TraceEvent[] | null;
  span: { start: number; duration: number };
  state: ReplayState;
  setState: Dispatch<SetStateAction<ReplayState>>;
  replay: TraceStore;
  setup: ReplaySetup;
  onReplayChange: (active: boolean, clock: (() => number) | null) => void;
}

/**
 * Plays a recording: keeps the replay store at the position (and the page on
 * the set-up of the run there), moves the position on while it plays, and ends
 * the replay when the panel goes.
 */
export function useReplayPlayback({
  recording,
  span,
  state,
  setState,
  replay,
  setup,
  onReplayChange,
}: ReplayPlayback): void {
  // Move the replay store to the position: forward by appending, backward by reloading.
  useEffect(() => {
    if (!recording) return;
    const count = eventsAt(recording, span.start, state.position);
    const shown = replay.getState().events.length;
    if (count > shown) replay.extend(recording.slice(shown, count));
    else if (count < shown) replay.load(recording.slice(0, count));
    // Crossing into another recorded run (a technique switch) shows that run's set-up.
    setup.follow(count);
  }, [recording, span.start, state.position, replay, setup]);

  // Leaving the playground ends the replay: the page gets its own set-up back.
  useEffect(
    () => () => {
      if (!setup.active) return;
      setup.leave();
      onReplayChange(false, null);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only on unmount: onReplayChange is a new function on every render of the parent
    [setup],
  );

  useEffect(() => {
    if (!state.playing) return;
    let last = performance.now();
    let frame = requestAnimationFrame(function tick(now) {
      // Take the elapsed time now: the updater runs later, when `last` has moved on.
      const elapsed = Math.max(0, now - last);
      last = now;
      setState((s) => advance(s, elapsed, span.duration));
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [state.playing, span.duration, setState]);
}
