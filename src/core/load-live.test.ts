import { describe, expect, it } from 'vitest';
import {
  IDLE_LIVE_RUN,
  LIVE_LOAD_LIMITS,
  isLiveRunBody,
  liveRunBody,
  liveRunTitle,
  liveStatusLine,
  nextLiveRun,
  parseLiveClients,
  progressPercent,
  type LiveRun,
} from './load-live';
import type { LoadResults } from './load-results';

const results: LoadResults = {
  format: 'realtime-lab-load',
  version: 1,
  measuredAt: '2026-12-03T17:00:00.000Z',
  machine: { cores: 2, memoryBytes: 1e9, node: 'v20', platform: 'linux x64', cpu: 'test' },
  durationMs: 14_200,
  memory: [],
  fanOut: [],
  requestRate: [],
  throughput: [],
  settings: {
    clients: [500],
    clientProcesses: 1,
    sourceAddresses: 4,
    fanOutPublishes: 1,
    rateConnections: 50,
    rateSeconds: 1,
    throughputReceivers: 500,
  },
  live: true,
  notes: [],
};

const start = {
  type: 'start',
  clients: 500,
  startedAt: '2026-12-03T16:59:45.000Z',
  section: 'starting',
} as const;

describe('a live run’s life cycle', () => {
  it('starts from idle, follows its progress forward only, and ends done with its results', () => {
    let run: LiveRun = nextLiveRun(IDLE_LIVE_RUN, start);
    expect(run).toMatchObject({ state: 'running', clients: 500, done: 0, total: 0 });
    run = nextLiveRun(run, { type: 'progress', done: 3, total: 13, section: 'WebSocket' });
    expect(run).toMatchObject({ done: 3, total: 13, section: 'WebSocket' });
    // A late, older report does not move it back; a done past the total is held at the total.
    run = nextLiveRun(run, { type: 'progress', done: 2, total: 13, section: 'late' });
    expect(run).toMatchObject({ done: 3, section: 'late' });
    run = nextLiveRun(run, { type: 'progress', done: 20, total: 13, section: 'end' });
    expect(run).toMatchObject({ done: 13 });
    run = nextLiveRun(run, { type: 'finish', results });
    expect(run).toMatchObject({ state: 'done', done: 13, total: 13, section: null, results });
  });

  it('fails with its sentence, keeping where it was', () => {
    let run = nextLiveRun(nextLiveRun(IDLE_LIVE_RUN, start), {
      type: 'progress',
      done: 4,
      total: 13,
      section: 'SSE',
    });
    run = nextLiveRun(run, { type: 'fail', error: 'stopped' });
    expect(run).toMatchObject({ state: 'failed', error: 'stopped', done: 4, section: 'SSE' });
  });

  it('ignores a second start while running, and reports from a run that is not running', () => {
    const running = nextLiveRun(IDLE_LIVE_RUN, start);
    expect(nextLiveRun(running, { ...start, clients: 20 })).toBe(running);
    expect(nextLiveRun(IDLE_LIVE_RUN, { type: 'finish', results })).toBe(IDLE_LIVE_RUN);
    const done = nextLiveRun(running, { type: 'finish', results });
    expect(nextLiveRun(done, { type: 'fail', error: 'late' })).toBe(done);
    // A finished or failed run may be followed by a new one.
    expect(nextLiveRun(done, { ...start, clients: 20 })).toMatchObject({
      state: 'running',
      clients: 20,
      done: 0,
    });
  });
});

describe('what GET /api/load/run answers, and what the page reads of it', () => {
  it('answers idle with nulls, and done with the results', () => {
    const idle = liveRunBody(IDLE_LIVE_RUN);
    expect(idle).toEqual({
      state: 'idle',
      clients: null,
      startedAt: null,
      done: 0,
      total: 0,
      section: null,
      budgetMs: LIVE_LOAD_LIMITS.budgetMs,
    });
    const done = liveRunBody(
      nextLiveRun(nextLiveRun(IDLE_LIVE_RUN, start), { type: 'finish', results }),
    );
    expect(done).toMatchObject({ state: 'done', clients: 500, results });
    expect(done.error).toBeUndefined();
    expect(isLiveRunBody(idle) && isLiveRunBody(done)).toBe(true);
  });

  it('refuses what is not a live run’s body', () => {
    const idle = liveRunBody(IDLE_LIVE_RUN);
    expect(isLiveRunBody(null)).toBe(false);
    expect(isLiveRunBody({ ...idle, state: 'paused' })).toBe(false);
    expect(isLiveRunBody({ ...idle, state: 'done' })).toBe(false);
    expect(isLiveRunBody({ ...idle, state: 'failed' })).toBe(false);
    expect(isLiveRunBody({ ...idle, done: '1' })).toBe(false);
  });

  it('turns progress into the bar’s percentage and the status line', () => {
    const body = {
      ...liveRunBody(nextLiveRun(IDLE_LIVE_RUN, start)),
      done: 4,
      total: 13,
      section: 'Long polling, the lab: 500 idle connections, health',
    };
    expect(progressPercent({ state: 'running', done: 0, total: 0 })).toBe(0);
    expect(progressPercent(body)).toBe(31);
    expect(progressPercent({ state: 'done', done: 2, total: 13 })).toBe(100);
    expect(liveStatusLine(body)).toBe(
      'Step 5 of 13: Long polling, the lab: 500 idle connections, health',
    );
    expect(liveStatusLine({ ...body, done: 13, section: 'stopping every process' })).toBe(
      'Finishing: stopping every process',
    );
    expect(liveStatusLine({ ...body, total: 0, section: 'starting' })).toBe('Starting: starting');
    expect(liveStatusLine({ ...body, state: 'done', results })).toBe(
      'Done in 14.2 s: 500 connections per technique, measured on this machine just now.',
    );
    expect(liveStatusLine({ ...body, state: 'failed', error: 'the lab server closed' })).toBe(
      'The live measurement failed: the lab server closed.',
    );
  });

  it('reads N from ?loadClients= only within the limits', () => {
    expect(parseLiveClients('20')).toBe(20);
    expect(parseLiveClients('500')).toBe(500);
    for (const raw of [null, '', '0', '501', '2.5', '-3', 'many'])
      expect(parseLiveClients(raw), String(raw)).toBeUndefined();
  });

  it('names a live run so that it is never taken for the committed one', () => {
    expect(liveRunTitle(results)).toBe(
      'Live run of 500 connections per technique on this machine, started from this page (not saved)',
    );
  });
});
