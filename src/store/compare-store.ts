import { createStore } from 'zustand/vanilla';
import { TECHNIQUES, type SendPattern, type Technique } from '../core';
import { initialViewSlice, type DiagramViewSlice } from '../diagram/view';
import { createTraceStore, type TraceStore } from './trace-store';

/** Compare mode's settings: who listens, and the schedule the server plays. */
export interface CompareSettings {
  receivers: number;
  /** Messages a second (mean, for a random pattern). */
  rate: number;
  count: number;
  seed: number;
  pattern: SendPattern;
}

export const COMPARE_RANGES: Record<
  Exclude<keyof CompareSettings, 'pattern'>,
  {
    min: number;
    max: number;
  }
> = {
  // At most 4: each lane then carries at most 4 of its 6 connections, so nothing ever queues.
  receivers: { min: 1, max: 4 },
  rate: { min: 1, max: 50 },
  count: { min: 1, max: 2000 },
  seed: { min: 0, max: 0xffff_ffff },
};

export interface CompareState extends CompareSettings, DiagramViewSlice {
  running: boolean;
  /** Messages the server has played of the schedule. */
  progress: { sent: number; count: number } | null;
  notice: string | null;
  /** Origin each HTTP technique talks to (its lane), for the connection meter. */
  origins: Partial<Record<Technique, string>>;
  /** The page's own origin (publishes, WebSockets, the observer). */
  pageOrigin: string;
  /** When the run began (page clock): all four diagrams page from here. */
  anchor: number | null;
  /** The channel of the last run, and its clock offset estimate. */
  channel: string | null;
  /** The page's estimate of the server's clock (server ≈ page + offsetMs): latencies of the server's messages rest on it. */
  clock: { offsetMs: number; uncertaintyMs: number } | null;
  /** The receivers of the run shown (the diagrams' lanes). */
  actors: string[];
  /** A recording is shown instead of a live run. */
  recording: boolean;
}

export function initialCompareState(): CompareState {
  return {
    receivers: 1,
    rate: 4,
    count: 40,
    seed: 1,
    pattern: 'random',
    running: false,
    progress: null,
    notice: null,
    origins: {},
    pageOrigin: typeof location === 'undefined' ? '' : location.host,
    anchor: null,
    // The four diagrams share one window of time: to scale, so that they line up.
    ...initialViewSlice({ mode: 'time' }),
    channel: null,
    clock: null,
    actors: ['bob'],
    recording: false,
  };
}

export const compareStore = createStore<CompareState>(() => initialCompareState());

/** One trace per technique (each diagram and each row of the table reads its own) and one of everything (export). */
export interface CompareTraces {
  byTechnique: Record<Technique, TraceStore>;
  all: TraceStore;
}

export function createCompareTraces(): CompareTraces {
  return {
    byTechnique: Object.fromEntries(TECHNIQUES.map((t) => [t, createTraceStore()])) as Record<
      Technique,
      TraceStore
    >,
    all: createTraceStore(),
  };
}

export const compareTraces = createCompareTraces();
