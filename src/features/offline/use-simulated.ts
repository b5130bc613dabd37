import { traceIndexFor } from '../../diagram/trace-index';
import { traceStore, type TraceStore } from '../../store/trace-store';
import { isOffline, useOffline } from './offline-mode';

/**
 * Whether a trace's server is the offline simulation: its server steps say so
 * (a live offline run, or a recording of one replayed anywhere), or it is the
 * live trace of a page running offline, before its first server step.
 */
export function traceSimulated(store: TraceStore = traceStore, offline = isOffline()): boolean {
  return traceIndexFor(store).simulated || (offline && store === traceStore);
}

/** The same, for a component that follows the trace (re-read on each of its renders). */
export function useSimulated(store: TraceStore = traceStore): boolean {
  return traceSimulated(store, useOffline());
}
