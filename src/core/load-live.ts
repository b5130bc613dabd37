/**
 * The load lab's live run (issue #15): a small run of `npm run bench:load`'s harness started
 * from the Lessons screen (`POST /api/load/run`, protocol.md "Live load run") — N connections
 * per technique, bounded to 20 s, in a child process of the lab server. Its bounds, its life
 * cycle as one state union with one transition function (what the server keeps and
 * `GET /api/load/run` answers), what the child process reports, and what the page reads of it.
 * Pure: the server, the bench's child and the page share it.
 */
import { isLoadResults } from './load-view';
import type { LoadResults } from './load-results';

export const LIVE_LOAD_LIMITS = {
  minClients: 1,
  maxClients: 500,
  /** Connections per technique when the body does not say. */
  defaultClients: 500,
  /** From the POST to the last process stopped, ms: the child is killed at this point. */
  budgetMs: 20_000,
  /** Before the end, when the child stops planning steps (no new step is started), ms. */
  planReserveMs: 2_000,
  /** Before the end, when the child cuts the step running and stops every process, ms. */
  stopReserveMs: 1_500,
} as const;

/** Where a run is: `done` steps of `total` finished (a skipped one too), and the one running now. */
export interface LoadProgress {
  done: number;
  total: number;
  section: string;
}

/** What the child process says over its IPC channel: progress, then its results or its failure. */
export type LiveChildMessage =
  | ({ type: 'progress' } & LoadProgress)
  | { type: 'result'; results: LoadResults }
  | { type: 'error'; error: string };

/** What the lab server hands the child: N, and when the run must have ended (ms since the epoch). */
export interface LivePlan {
  clients: number;
  endsAt: number;
}

export type LiveRunState = 'idle' | 'running' | 'done' | 'failed';

interface Started {
  clients: number;
  /** ISO 8601. */
  startedAt: string;
  done: number;
  total: number;
  section: string | null;
}

/** A live run's life cycle: never run, running, done with its results, or failed with a sentence. */
export type LiveRun =
  | { state: 'idle' }
  | ({ state: 'running' } & Started)
  | ({ state: 'done'; results: LoadResults } & Started)
  | ({ state: 'failed'; error: string } & Started);

export type LiveRunEvent =
  | { type: 'start'; clients: number; startedAt: string; section: string }
  | ({ type: 'progress' } & LoadProgress)
  | { type: 'finish'; results: LoadResults }
  | { type: 'fail'; error: string };

export const IDLE_LIVE_RUN: LiveRun = { state: 'idle' };

/**
 * The one transition function. A run starts from anything but `running` (the route refuses a
 * second start with RL_ERR_LOAD_RUNNING before it gets here); progress, finish and fail apply
 * only while running, and progress never goes back.
 */
export function nextLiveRun(run: LiveRun, event: LiveRunEvent): LiveRun {
  if (event.type === 'start') {
    if (run.state === 'running') return run;
    const { clients, startedAt, section } = event;
    return { state: 'running', clients, startedAt, done: 0, total: 0, section };
  }
  if (run.state !== 'running') return run;
  switch (event.type) {
    case 'progress': {
      const total = Math.max(0, event.total);
      const done = Math.min(total, Math.max(run.done, event.done));
      return { ...run, done, total, section: event.section };
    }
    case 'finish':
      return { ...run, state: 'done', done: run.total, section: null, results: event.results };
    case 'fail':
      return { ...run, state: 'failed', error: event.error };
  }
}

/** `GET /api/load/run`'s answer (and `POST`'s): the run's state and progress, its results when done. */
export interface LiveRunBody {
  state: LiveRunState;
  clients: number | null;
  startedAt: string | null;
  done: number;
  total: number;
  section: string | null;
  /** The whole run's bound, ms. */
  budgetMs: number;
  error?: string;
  results?: LoadResults;
}

export function liveRunBody(run: LiveRun): LiveRunBody {
  const budgetMs = LIVE_LOAD_LIMITS.budgetMs;
  if (run.state === 'idle') {
    return {
      state: 'idle',
      clients: null,
      startedAt: null,
      done: 0,
      total: 0,
      section: null,
      budgetMs,
    };
  }
  const { state, clients, startedAt, done, total, section } = run;
  const body: LiveRunBody = { state, clients, startedAt, done, total, section, budgetMs };
  if (run.state === 'done') body.results = run.results;
  if (run.state === 'failed') body.error = run.error;
  return body;
}

const STATES: ReadonlySet<string> = new Set(['idle', 'running', 'done', 'failed']);

/** Whether an answer read from the wire is a live run's body the page can show. */
export function isLiveRunBody(value: unknown): value is LiveRunBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<LiveRunBody>;
  return (
    typeof v.state === 'string' &&
    STATES.has(v.state) &&
    typeof v.done === 'number' &&
    typeof v.total === 'number' &&
    (v.section === null || typeof v.section === 'string') &&
    (v.state !== 'done' || isLoadResults(v.results)) &&
    (v.state !== 'failed' || typeof v.error === 'string')
  );
}

/** The progress bar's value, 0–100: steps done of the total (0 before the total is known). */
export function progressPercent(body: Pick<LiveRunBody, 'state' | 'done' | 'total'>): number {
  if (body.state === 'done') return 100;
  if (!(body.total > 0)) return 0;
  return Math.round((100 * Math.min(body.done, body.total)) / body.total);
}

/** The line under the bar: what runs now, what came of it, or why it failed. */
export function liveStatusLine(body: LiveRunBody): string {
  const n = body.clients?.toLocaleString('en') ?? '?';
  switch (body.state) {
    case 'idle':
      return 'No live measurement has run yet.';
    case 'running':
      // `done` steps are finished: the one running is the next.
      if (!(body.total > 0)) return `Starting: ${body.section ?? '…'}`;
      if (body.done >= body.total) return `Finishing: ${body.section ?? '…'}`;
      return `Step ${body.done + 1} of ${body.total}: ${body.section ?? '…'}`;
    case 'done': {
      const seconds = body.results ? ` in ${(body.results.durationMs / 1_000).toFixed(1)} s` : '';
      return `Done${seconds}: ${n} connections per technique, measured on this machine just now.`;
    }
    case 'failed':
      return `The live measurement failed: ${body.error ?? 'no reason given'}.`;
  }
}

/**
 * N from the page's `?loadClients=` (README, "Load lab": a smaller live run, as the browser
 * test makes): a whole number within the limits, else undefined (the server's default, 500).
 */
export function parseLiveClients(raw: string | null): number | undefined {
  if (raw === null || !/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= LIVE_LOAD_LIMITS.minClients && n <= LIVE_LOAD_LIMITS.maxClients ? n : undefined;
}

/** How the page names a live run's figures, so that they are never taken for the committed run's. */
export function liveRunTitle(results: LoadResults): string {
  const n = results.settings?.clients.map((c) => c.toLocaleString('en')).join(' / ') ?? '?';
  return `Live run of ${n} connections per technique on this machine, started from this page (not saved)`;
}
