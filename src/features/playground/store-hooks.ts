import { useStore } from 'zustand';
import { labStore, type LabState } from '../../store/lab-store';
import { traceStore, type TraceState, type TraceStore } from '../../store/trace-store';

/** One field (or derived value) of the lab's settings; re-renders when it changes. */
export function useLab<T>(select: (state: LabState) => T): T {
  return useStore(labStore, select);
}

/**
 * The trace's state, re-read once per store flush (at most once per animation
 * frame): its log grows in place, so the hook selects `version` to learn that
 * it changed.
 */
export function useTrace(store: TraceStore = traceStore): TraceState {
  useStore(store, (s) => s.version);
  return store.getState();
}
