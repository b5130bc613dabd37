import { useMemo } from 'react';
import { useStore } from 'zustand';
import { placementOf, scaleStats, type ScaleStats } from '../../core/scale-stats';
import { scaleStore, scaleTrace, type ScaleState } from '../../store/scale-store';
import type { TraceState } from '../../store/trace-store';

/** One field (or derived value) of the Scaling lab's state; re-renders when it changes. */
export function useScale<T>(select: (state: ScaleState) => T): T {
  return useStore(scaleStore, select);
}

/** The Scaling lab's trace, re-read once per flush. */
export function useScaleTrace(): TraceState {
  useStore(scaleTrace, (s) => s.version);
  return scaleTrace.getState();
}

/** The Scaling lab's counters for the current run, re-folded when the trace or the registry changes. */
export function useScaleStats(): ScaleStats {
  const version = useStore(scaleTrace, (s) => s.version);
  const registry = useScale((s) => s.registry);
  return useMemo(() => {
    const { events, segmentStart } = scaleTrace.getState();
    return scaleStats(events.slice(segmentStart), placementOf(registry));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the log grows in place: `version` says it changed
  }, [version, registry]);
}
