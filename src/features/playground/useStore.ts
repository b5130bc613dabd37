import { useSyncExternalStore } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import { labStore, type LabState } from '../../store/lab-store';
import { traceStore, type TraceState, type TraceStore } from '../../store/trace-store';

/** One field (or derived value) of the lab's settings; re-renders when it changes. */
export function useLab<T>(select: (state: LabState) => T): T {
  return useSyncExternalStore(
    (listener) => (labStore as StoreApi<LabState>).subscribe(listener),
    () => select(labStore.getState()),
  );
}

/** The trace's state, re-read once per store flush (at most once per animation frame). */
export function useTrace(store: TraceStore = traceStore): TraceState {
  useSyncExternalStore(store.subscribe, () => store.getState().version);
  return store.getState();
}
