import { useStore } from 'zustand';
import { compareStore, type CompareState } from '../../store/compare-store';

/** One field of compare mode's state; re-renders when it changes. */
export function useCompare<T>(select: (state: CompareState) => T): T {
  return useStore(compareStore, select);
}
