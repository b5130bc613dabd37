import type { Dispatch, SetStateAction } from 'react';
import type { TraceEvent } from '../../core';
import {
  eventsAt,
  REPLAY_SPEEDS,
  stepPosition,
  type ReplaySpeed,
  type ReplayState,
} from '../../diagram/replay';

interface ReplayControlsProps {
  /** The recording, in time order. */
  recording: readonly TraceEvent[];
  span: { start: number; duration: number };
  state: ReplayState;
  setState: Dispatch<SetStateAction<ReplayState>>;
  onClose: () => void;
}

/** The player of a loaded recording: step, play or pause, seek, speed, where it is, and back to live. */
export function ReplayControls({ recording, span, state, setState, onClose }: ReplayControlsProps) {
  /** One step back (-1) or on (1) from the position, pausing. */
  const step = (direction: -1 | 1) =>
    setState((s) => ({
      ...s,
      position: stepPosition(recording, span.start, s.position, direction),
      playing: false,
    }));
  return (
    <div className="replay-panel__player" aria-label="Replay controls" role="group">
      <button type="button" onClick={() => step(-1)}>
        Step back
      </button>
      <button
        type="button"
        onClick={() =>
          setState((s) => ({
            ...s,
            playing: !s.playing,
            position: !s.playing && s.position >= span.duration ? 0 : s.position,
          }))
        }
      >
        {state.playing ? 'Pause' : 'Play'}
      </button>
      <button type="button" onClick={() => step(1)}>
        Step
      </button>
      <input
        type="range"
        aria-label="Replay position"
        min={0}
        max={Math.max(1, Math.ceil(span.duration))}
        step={1}
        value={Math.round(state.position)}
        onChange={(e) =>
          setState((s) => ({ ...s, position: Number(e.target.value), playing: false }))
        }
      />
      <label>
        Speed{' '}
        <select
          value={state.speed}
          onChange={(e) =>
            setState((s) => ({ ...s, speed: Number(e.target.value) as ReplaySpeed }))
          }
        >
          {REPLAY_SPEEDS.map((speed) => (
            <option key={speed} value={speed}>
              {speed}×
            </option>
          ))}
        </select>
      </label>
      <output data-testid="replay-position" data-value={Math.round(state.position)}>
        {Math.round(state.position)} / {Math.round(span.duration)} ms ·{' '}
        {eventsAt(recording, span.start, state.position)} of {recording.length} events
      </output>
      <button type="button" onClick={onClose}>
        Back to live
      </button>
    </div>
  );
}
