import { createStore } from 'zustand/vanilla';
import { StatsAccumulator, type Stats, type TraceEvent, type TraceEventInput } from '../core';

/**
 * The trace: an append-only log of every step the lab saw. Appends are batched
 * into one store update per animation frame (or per microtask where there are no
 * frames), so thousands of events a second never re-render per event. Counters
 * are folded incrementally from the same events and never stored twice.
 */
export interface TraceState {
  /**
   * The log itself. It grows in place (appending never copies it): select
   * `version` to learn that it changed, and read `events.length` then.
   */
  events: readonly TraceEvent[];
  stats: Stats;
  /** Bumped on every flush; cheap to select for "something changed". */
  version: number;
}

export interface TraceStore {
  getState(): TraceState;
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
  let accumulator = new StatsAccumulator();
  let seq = 0;
  let pending: TraceEvent[] = [];
  let scheduled = false;
  const store = createStore<TraceState>(() => ({
    events: [],
    stats: accumulator.snapshot(),
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
    store.setState({ stats: accumulator.snapshot(), version: state.version + 1 });
  }

  return {
    getState: store.getState,
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
      accumulator = new StatsAccumulator();
      store.setState({
        events: [],
        stats: accumulator.snapshot(),
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
      store.setState({ stats: accumulator.snapshot(), version: state.version + 1 });
    },
    load(events) {
      pending = [];
      accumulator = new StatsAccumulator();
      for (const event of events) accumulator.add(event);
      seq = events.length ? events[events.length - 1]!.seq + 1 : 0;
      store.setState({
        events: [...events],
        stats: accumulator.snapshot(),
        version: store.getState().version + 1,
      });
    },
  };
}

/** The page's one trace. */
export const traceStore = createTraceStore();
