import { useSyncExternalStore } from 'react';
import { compareStore, type CompareState } from '../../store/compare-store';

/** One field of compare mode's state; re-renders when it changes. */
export function useCompare<T>(select: (state: CompareState) => T): T {
  return useSyncExternalStore(compareStore.subscribe, () => select(compareStore.getState()));
}
