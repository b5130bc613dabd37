import { useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { exportTrace, parseTraceFile, type TraceEvent, type TraceFile } from '../../core';
import { download } from '../download';
import { recordingSpan, sortByTime, type ReplayState } from '../../diagram/replay';
import type { TraceStore } from '../../store/trace-store';
import { ReplayControls } from './ReplayControls';
import { replaySetup as defaultReplaySetup, type ReplaySetup } from './replay-setup';
import { TraceFiles } from './TraceFiles';
import { useReplayPlayback } from './useReplayPlayback';

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

/** Downloads the live trace as a JSON file. */
function exportLive(live: TraceStore, network: TraceFile['network'], setup: ReplaySetup): void {
  live.flush();
  const file = exportTrace(live.getState().events, network, new Date(), setup.traceClock);
  download(
    `realtime-lab-trace-${file.exportedAt.replace(/[:.]/g, '-')}.json`,
    JSON.stringify(file, null, 2),
  );
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
  const span = useMemo(() => recordingSpan(recording ?? []), [recording]);

  useReplayPlayback({ recording, span, state, setState, replay, setup, onReplayChange });

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
      <TraceFiles onExport={() => exportLive(live, network, setup)} onFile={readFile} />
      {error && (
        <p role="alert" className="replay-panel__error">
          {error}
        </p>
      )}
      {recording && (
        <ReplayControls
          recording={recording}
          span={span}
          state={state}
          setState={setState}
          onClose={close}
        />
      )}
    </section>
  );
}
