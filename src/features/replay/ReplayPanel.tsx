import { useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { exportTrace, parseTraceFile, type TraceEvent, type TraceFile } from '../../core';
import { download } from '../download';
import {
  advance,
  eventsAt,
  recordingSpan,
  REPLAY_SPEEDS,
  sortByTime,
  stepPosition,
  type ReplaySpeed,
  type ReplayState,
} from '../../diagram/replay';
import type { TraceStore } from '../../store/trace-store';
import { replaySetup as defaultReplaySetup, type ReplaySetup } from './replay-setup';

interface ReplayPanelProps {
  /** The live trace, for export. */
  live: TraceStore;
  /** The store the replay fills as its position moves. */
  replay: TraceStore;
  /** A recording is loaded (true) or closed (false): the page shows the replay instead of live traffic. */
  onReplayChange: (active: boolean, clock: (() => number) | null) => void;
  network?: TraceFile['network'];
  /** Puts the recording's set-up on the page while it replays; the page's own comes back after. */
  setup?: ReplaySetup;
}

/**
 * Export the trace as JSON, load one back (picker or drop), and replay it at
 * 0.25×–4×, the page showing the recording's technique, participants, knobs
 * and preset meanwhile.
 */
export function ReplayPanel({
  live,
  replay,
  onReplayChange,
  network = 'live',
  setup = defaultReplaySetup,
}: ReplayPanelProps) {
  const [recording, setRecording] = useState<TraceEvent[] | null>(null);
  const [state, setState] = useState<ReplayState>({ position: 0, speed: 1, playing: false });
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const span = useMemo(() => recordingSpan(recording ?? []), [recording]);

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
    // Only on unmount: onReplayChange is a new function on every render of the parent.
    // eslint-disable-next-line react-hooks/exhaustive-deps
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
  }, [state.playing, span.duration]);

  const positionRef = useRef(state.position);
  useEffect(() => {
    positionRef.current = state.position;
  }, [state.position]);

  function open(text: string, name: string): void {
    try {
      const file = parseTraceFile(JSON.parse(text) as unknown);
      const sorted = sortByTime(file.events);
      replay.load([]);
      setup.enter(sorted, file.clock);
      setRecording(sorted);
      setState({ position: 0, speed: 1, playing: false });
      setError(null);
      const start = recordingSpan(sorted).start;
      onReplayChange(true, () => start + positionRef.current);
    } catch (e) {
      setError(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  function readFile(file: File | undefined): void {
    if (!file) return;
    file.text().then(
      (text) => open(text, file.name),
      (e: unknown) => setError(`${file.name}: ${String(e)}`),
    );
  }

  function close(): void {
    setRecording(null);
    replay.load([]);
    setup.leave();
    onReplayChange(false, null);
  }

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    readFile(event.dataTransfer.files[0]);
  };

  return (
    <section
      className={`replay-panel${dragging ? ' replay-panel--drop' : ''}`}
      aria-label="Recording"
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      <div className="replay-panel__files">
        <button
          type="button"
          onClick={() => {
            live.flush();
            const file = exportTrace(live.getState().events, network, new Date(), setup.pageClock);
            download(
              `realtime-lab-trace-${file.exportedAt.replace(/[:.]/g, '-')}.json`,
              JSON.stringify(file, null, 2),
            );
          }}
        >
          Export trace
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Load trace…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept="application/json,.json"
          hidden
          aria-label="Trace file"
          onChange={(e) => readFile(e.target.files?.[0])}
        />
        <span className="replay-panel__hint">or drop a trace file here</span>
      </div>
      {error && (
        <p role="alert" className="replay-panel__error">
          {error}
        </p>
      )}
      {recording && (
        <div className="replay-panel__player" aria-label="Replay controls" role="group">
          <button
            type="button"
            onClick={() =>
              setState((s) => ({
                ...s,
                position: stepPosition(recording, span.start, s.position, -1),
                playing: false,
              }))
            }
          >
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
          <button
            type="button"
            onClick={() =>
              setState((s) => ({
                ...s,
                position: stepPosition(recording, span.start, s.position, 1),
                playing: false,
              }))
            }
          >
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
          <button type="button" onClick={close}>
            Back to live
          </button>
        </div>
      )}
    </section>
  );
}
