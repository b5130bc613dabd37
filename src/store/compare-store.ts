import { createStore } from 'zustand/vanilla';
import {
  TECHNIQUES,
  type SendPattern,
  type Technique,
  initialDiagramViewSlice,
  type DiagramViewSlice,
} from '../core';
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

/**
 * Where compare mode is: idle, running the four techniques live, or showing a
 * recording — never running and showing a recording at once.
 */
export type CompareRun =
  | { running: false; recording: false }
  | { running: true; recording: false }
  | { running: false; recording: true };

/** What moves compare mode from one `CompareRun` to the next: a run starts or stops, a recording is loaded. */
export type CompareRunEvent = 'start' | 'stop' | 'load';

const IDLE: CompareRun = { running: false, recording: false };
const RUNNING: CompareRun = { running: true, recording: false };
const RECORDING: CompareRun = { running: false, recording: true };

/** The one transition function of `CompareRun`: the run after `event` (spread it into a `setState`). */
export function compareRunAfter(run: CompareRun, event: CompareRunEvent): CompareRun {
  switch (event) {
    case 'start':
      return RUNNING;
    case 'stop':
      // A recording stays shown; a live run ends.
      return run.recording ? RECORDING : IDLE;
    case 'load':
      return RECORDING;
  }
}

export type CompareState = CompareSettings & DiagramViewSlice & CompareRun & CompareRunDetails;

interface CompareRunDetails {
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
}

export function initialCompareState(): CompareState {
  return {
    receivers: 1,
    rate: 4,
    count: 40,
    seed: 1,
    pattern: 'random',
    ...IDLE,
    progress: null,
    notice: null,
    origins: {},
    pageOrigin: typeof location === 'undefined' ? '' : location.host,
    anchor: null,
    // The four diagrams share one window of time: to scale, so that they line up.
    ...initialDiagramViewSlice({ mode: 'time' }),
    channel: null,
    clock: null,
    actors: ['bob'],
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
