import { createStore } from 'zustand/vanilla';
import {
  SegmentedStats,
  type RunSetup,
  type Stats,
  type TraceEvent,
  type TraceEventInput,
} from '../core';

/**
 * The trace: an append-only log of every step the lab saw. Appends are batched
 * into one store update per animation frame (or per microtask where there are no
 * frames), so thousands of events a second never re-render per event. Counters
 * are folded incrementally from the same events and never stored twice.
 *
 * Each run (a Start, a technique switch, a compare run) begins with a `segment`
 * step; the log keeps every run, the counters are the current run's.
 */
export interface TraceState {
  /**
   * The log itself. It grows in place (appending never copies it): select
   * `version` to learn that it changed, and read `events.length` then.
   */
  events: readonly TraceEvent[];
  /** The current run's counters: the steps from `segmentStart` on (the whole log when it has no segment). */
  stats: Stats;
  /** Index in `events` of the current run's `segment` step; 0 when the log has none. */
  segmentStart: number;
  /** The current run's set-up, from its `segment` step; null when the log has none. */
  setup: RunSetup | null;
  /** Index in `events` of every `segment` step, in order (a new array when one is added). */
  segments: readonly number[];
  /** Bumped on every flush; cheap to select for "something changed". */
  version: number;
}

export interface TraceStore {
  getState(): TraceState;
  /** The state it was created with (zustand's `useStore` asks for it, for server rendering). */
  getInitialState(): TraceState;
  subscribe(listener: (state: TraceState, previous: TraceState) => void): () => void;
  /** Numbers the event and queues it for the next flush. */
  append(event: TraceEventInput): void;
  /** Applies queued events now (tests and exports call this). */
  flush(): void;
  /** Forgets everything (a new run). */
  clear(): void;
  /** Replaces the trace with a recorded one (replay, visual tests). */
  load(events: readonly TraceEvent[]): void;
  /** Appends recorded events as they are, keeping their seq (a replay moving forward). */
  extend(events: readonly TraceEvent[]): void;
}

const schedule: (callback: () => void) => void =
  typeof requestAnimationFrame === 'function'
    ? (cb) => requestAnimationFrame(() => cb())
    : (cb) => queueMicrotask(cb);

export function createTraceStore(): TraceStore {
  let accumulator = new SegmentedStats();
  let seq = 0;
  let pending: TraceEvent[] = [];
  let scheduled = false;
  /** What the counters fold into the state: the current run's stats and where it begins. */
  const derived = (): Pick<TraceState, 'stats' | 'segmentStart' | 'setup' | 'segments'> => ({
    stats: accumulator.snapshot(),
    segmentStart: accumulator.segmentStart,
    setup: accumulator.setup,
    segments: accumulator.segmentStarts,
  });
  const store = createStore<TraceState>(() => ({
    events: [],
    ...derived(),
    version: 0,
  }));

  function flush(): void {
    scheduled = false;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    for (const event of batch) accumulator.add(event);
    const state = store.getState();
    const log = state.events as TraceEvent[];
    for (const event of batch) log.push(event);
    store.setState({ ...derived(), version: state.version + 1 });
  }

  return {
    getState: store.getState,
    getInitialState: store.getInitialState,
    subscribe: store.subscribe,
    append(input) {
      pending.push({ ...input, seq: seq++ });
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
    clear() {
      pending = [];
      seq = 0;
      accumulator = new SegmentedStats();
      store.setState({
        events: [],
        ...derived(),
        version: store.getState().version + 1,
      });
    },
    extend(events) {
      flush();
      const state = store.getState();
      const log = state.events as TraceEvent[];
      for (const event of events) {
        log.push(event);
        accumulator.add(event);
        seq = Math.max(seq, event.seq + 1);
      }
      store.setState({ ...derived(), version: state.version + 1 });
    },
    load(events) {
      pending = [];
      accumulator = new SegmentedStats();
      for (const event of events) accumulator.add(event);
      seq = events.length ? events[events.length - 1]!.seq + 1 : 0;
      store.setState({
        events: [...events],
        ...derived(),
        version: store.getState().version + 1,
      });
    },
  };
}

/** The page's one trace. */
export const traceStore = createTraceStore();
