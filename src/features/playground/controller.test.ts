import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { sendGaps } from '../../core';
import { initialLabState, MAX_SEED, type LabState } from '../../store/lab-store';
import { createTraceStore } from '../../store/trace-store';
import { fakeFetch, json } from '../../transports/test/fakes';
import { LabController, REPLAY_SETUP_BLOCKED, REPLAY_START_BLOCKED } from './controller';

/** When each automatic message went, on the fake clock. */
const sentAt = vi.hoisted((): number[] => []);
/** Every fake session made, and whether it is running. */
const sessions = vi.hoisted((): Array<{ technique: string; running: boolean }> => []);

vi.mock('../../transports/session', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../transports/session')>();
  /** Stands in for the participants: no network, it only notes when Alice sends. */
  class FakeSession {
    readonly channel: string;
    private readonly entry: { technique: string; running: boolean };
    constructor(
      private readonly options: {
        technique: string;
        channel?: string;
        store?: { append(event: Record<string, unknown>): void };
      },
    ) {
      this.channel = options.channel ?? 'lobby';
      this.entry = { technique: options.technique, running: false };
      sessions.push(this.entry);
    }
    start(): Promise<void> {
      this.entry.running = true;
      // Each receiver's first poll: the run's first request.
      this.options.store?.append({
        t: Date.now(),
        observer: 'client',
        actor: 'bob',
        technique: this.options.technique,
        conn: `bob-${this.options.technique}-${Date.now()}`,
        kind: 'request',
        dir: 'up',
      });
      return Promise.resolve();
    }
    stop(): void {
      this.entry.running = false;
    }
    setKnobs(): void {}
    send(): Promise<number> {
      sentAt.push(Date.now());
      return Promise.resolve(sentAt.length);
    }
  }
  return { ...real, Session: FakeSession };
});

function setup() {
  const lab = createStore<LabState>(() => initialLabState(''));
  const trace = createTraceStore();
  return { lab, trace, controller: new LabController(lab, trace, 'page-test') };
}

/** The gaps between sends (the first one from `from`). */
const gapsSince = (from: number) => sentAt.map((t, i) => t - (i === 0 ? from : sentAt[i - 1]!));

/** The first `n` waits a schedule gives. */
const expectedGaps = (gaps: () => number, n: number) => Array.from({ length: n }, gaps);

/** Timers fire on whole ms, so each measured gap may sit up to 1 ms off the drawn one. */
function expectGaps(measured: number[], expected: number[]) {
  expect(measured.length).toBe(expected.length);
  measured.forEach((gap, i) => expect(Math.abs(gap - expected[i]!)).toBeLessThanOrEqual(1));
}

describe('LabController auto-send', () => {
  beforeEach(() => {
    sentAt.length = 0;
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts random by default and waits the seeded Poisson gaps', async () => {
    const { lab, controller } = setup();
    expect(lab.getState()).toMatchObject({ autoPattern: 'random', autoSeed: 1 });
    await controller.start();
    const t0 = Date.now();
    controller.setAutoRate(10);
    await vi.advanceTimersByTimeAsync(5000);
    // About 50 sends in 5 s at 10 a second, at uneven times.
    expect(sentAt.length).toBeGreaterThan(30);
    expect(sentAt.length).toBeLessThan(70);
    expectGaps(gapsSince(t0), expectedGaps(sendGaps('random', 10, 1), sentAt.length));
    expect(new Set(gapsSince(t0)).size).toBeGreaterThan(10);
    controller.stop();
  });

  it('repeats the same gaps each time auto-send starts, and a new seed gives new ones', async () => {
    const { controller } = setup();
    expect(controller.setAutoSeed(99)).toBeNull();
    await controller.start();
    let t0 = Date.now();
    controller.setAutoRate(10);
    await vi.advanceTimersByTimeAsync(3000);
    const first = gapsSince(t0);
    controller.stop();

    sentAt.length = 0;
    await controller.start();
    t0 = Date.now();
    controller.setAutoRate(10);
    await vi.advanceTimersByTimeAsync(3000);
    expect(gapsSince(t0)).toEqual(first);

    // Changing the seed mid-run restarts the schedule from the new seed.
    sentAt.length = 0;
    t0 = Date.now();
    expect(controller.setAutoSeed(100)).toBeNull();
    await vi.advanceTimersByTimeAsync(3000);
    expectGaps(gapsSince(t0), expectedGaps(sendGaps('random', 10, 100), sentAt.length));
    expect(gapsSince(t0).slice(0, 5)).not.toEqual(first.slice(0, 5));
    controller.stop();
  });

  it('sends every 1/rate s when steady', async () => {
    const { controller } = setup();
    await controller.start();
    controller.setAutoPattern('steady');
    const t0 = Date.now();
    controller.setAutoRate(4);
    await vi.advanceTimersByTimeAsync(2000);
    expect(gapsSince(t0)).toEqual([250, 250, 250, 250, 250, 250, 250, 250]);
    controller.stop();
  });

  it('stops sending on Stop and at rate 0', async () => {
    const { controller } = setup();
    await controller.start();
    controller.setAutoRate(10);
    await vi.advanceTimersByTimeAsync(1000);
    controller.setAutoRate(0);
    const afterRateZero = sentAt.length;
    expect(afterRateZero).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(2000);
    expect(sentAt.length).toBe(afterRateZero);

    controller.setAutoRate(10);
    await vi.advanceTimersByTimeAsync(1000);
    controller.stop();
    const afterStop = sentAt.length;
    expect(afterStop).toBeGreaterThan(afterRateZero);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(2000);
    expect(sentAt.length).toBe(afterStop);
  });

  it('refuses a seed that is not a whole number from 0 to 2^32 − 1', () => {
    const { lab, controller } = setup();
    for (const bad of [-1, 1.5, MAX_SEED + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(controller.setAutoSeed(bad)).toBe(
        'Seed must be a whole number between 0 and 4294967295',
      );
    }
    expect(lab.getState().autoSeed).toBe(1);
    expect(controller.setAutoSeed(0)).toBeNull();
    expect(lab.getState().autoSeed).toBe(0);
    expect(controller.setAutoSeed(MAX_SEED)).toBeNull();
    expect(lab.getState().autoSeed).toBe(MAX_SEED);
  });
});

describe('LabController runs', () => {
  it('begins each run with its set-up, before its first request', async () => {
    const { lab, trace, controller } = setup();
    lab.setState({ receivers: ['bob', 'carol'], preset: 'notifications' });
    await controller.start();
    trace.flush();
    expect(trace.getState().events.map((e) => e.kind)).toEqual(['segment', 'request']);
    expect(trace.getState().setup).toEqual({
      technique: 'short-poll',
      sender: 'alice',
      receivers: ['bob', 'carol'],
      knobs: lab.getState().knobs,
      preset: 'notifications',
      serverSource: null,
      reason: 'start',
    });

    // A switch keeps the trace and begins a new run: fresh counters.
    await controller.setTechnique('long-poll');
    trace.flush();
    const state = trace.getState();
    expect(state.events.map((e) => e.kind)).toEqual(['segment', 'request', 'segment', 'request']);
    expect(state.segmentStart).toBe(2);
    expect(state.setup).toMatchObject({ technique: 'long-poll', reason: 'switch' });
    expect(state.stats.requests).toBe(1);

    // Start clears the trace: one run again.
    controller.stop();
    await controller.start();
    trace.flush();
    expect(trace.getState().segments).toEqual([0]);
    controller.stop();
  });

  it('does not start, nor change the set-up, while a recording is replayed', async () => {
    const { lab, trace, controller } = setup();
    lab.setState({ replaying: true });
    await controller.start();
    trace.flush();
    expect(lab.getState()).toMatchObject({ running: false, notice: REPLAY_START_BLOCKED });
    expect(trace.getState().events).toHaveLength(0);
    await controller.setTechnique('sse');
    expect(lab.getState()).toMatchObject({ technique: 'short-poll', notice: REPLAY_SETUP_BLOCKED });
    expect(controller.setKnob('pollIntervalMs', 500)).toBe(REPLAY_SETUP_BLOCKED);
    controller.addReceiver();
    expect(lab.getState().receivers).toEqual(['bob']);
  });
});

describe('LabController runs one thing at a time', () => {
  /** The schedule calls the page made, as `METHOD path?query`, and their bodies. */
  let calls: Array<{ url: string; init: RequestInit }>;
  /** DELETE answers the test releases by hand (the server being slow to answer). */
  let pendingDeletes: Array<() => void>;
  let nextId: number;
  /** Renewals answer 410: the server ended the schedule (a lease that lapsed while the tab slept). */
  let renewEnded: boolean;

  beforeEach(() => {
    renewEnded = false;
    sessions.length = 0;
    pendingDeletes = [];
    nextId = 1;
    vi.useFakeTimers();
    const f = fakeFetch((url, init) => {
      if (init.method === 'DELETE')
        return new Promise<Response>((resolve) =>
          pendingDeletes.push(() => resolve(json({ id: 'x', playing: false }))),
        );
      if (url.endsWith('/renew'))
        return renewEnded
          ? json(
              { error: 'it no longer plays: its lease lapsed', code: 'RL_ERR_SCHEDULE_ENDED' },
              410,
            )
          : json({ id: `schedule-${nextId - 1}`, playing: true });
      return json({ id: `schedule-${nextId++}`, count: 600, sent: 0, playing: true }, 201);
    });
    calls = f.calls;
    vi.stubGlobal('fetch', f.fetch);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  /** The server answers the DELETE the page sent (once the page has sent it). */
  const answerDelete = async () => {
    await vi.advanceTimersByTimeAsync(0);
    const answer = pendingDeletes.shift();
    expect(answer, 'a DELETE waiting for its answer').toBeDefined();
    answer!();
  };

  const lines = () =>
    calls.map((c) => {
      const body = c.init.body ? (JSON.parse(String(c.init.body)) as { from?: string }) : {};
      return `${c.init.method} ${c.url}${body.from ? ` ${body.from}` : ''}`;
    });

  it('the next preset posts its schedule only after the server answered the last one’s DELETE', async () => {
    const { lab, controller } = setup();
    expect(await controller.applyPreset('sports-scores')).toBeNull();
    expect(lines()).toEqual(['POST /api/channels/lobby/schedule scores']);
    expect(JSON.parse(String(calls[0]!.init.body))).toMatchObject({
      owner: 'page-test',
      leaseMs: 15_000,
    });

    const next = controller.applyPreset('stock-ticker');
    await vi.advanceTimersByTimeAsync(2_000);
    // The DELETE went at once; the ticker's POST waits for its answer.
    expect(lines().filter((l) => !l.includes('renew'))).toEqual([
      'POST /api/channels/lobby/schedule scores',
      'DELETE /api/channels/lobby/schedule?id=schedule-1',
    ]);
    expect(lab.getState()).toMatchObject({ preset: 'stock-ticker', technique: 'sse' });
    await answerDelete();
    await next;
    expect(lines().filter((l) => !l.includes('renew'))).toEqual([
      'POST /api/channels/lobby/schedule scores',
      'DELETE /api/channels/lobby/schedule?id=schedule-1',
      'POST /api/channels/lobby/schedule ticker',
    ]);
    expect(sessions.filter((s) => s.running)).toHaveLength(1);
    expect(lab.getState().running).toBe(true);
    const stopped = controller.stop();
    await answerDelete();
    await stopped;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop() resolves once the server answered; a start asked meanwhile runs after it', async () => {
    const { lab, controller } = setup();
    await controller.applyPreset('job-progress');
    let stopped = false;
    const stopping = controller.stop().then(() => (stopped = true));
    expect(lab.getState().running).toBe(false);
    const starting = controller.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stopped).toBe(false);
    expect(sessions.filter((s) => s.running)).toHaveLength(0);
    await answerDelete();
    await stopping;
    await starting;
    expect(sessions.filter((s) => s.running)).toHaveLength(1);
    expect(lines().at(-1)).toBe('POST /api/channels/lobby/schedule job');
    void controller.stop();
    await answerDelete();
  });

  it('nothing double-starts: Start twice, presets in a burst, a technique switch mid-start', async () => {
    const { lab, controller } = setup();
    await Promise.all([controller.start(), controller.start()]);
    expect(sessions).toHaveLength(1);

    // Three presets in a row: only the last one runs, with its own schedule.
    const burst = [
      controller.applyPreset('sports-scores'),
      controller.applyPreset('social-feed'),
      controller.applyPreset('job-progress'),
    ];
    await vi.advanceTimersByTimeAsync(0);
    await Promise.all(burst);
    expect(sessions.filter((s) => s.running)).toHaveLength(1);
    expect(lines().filter((l) => l.startsWith('POST') && !l.includes('renew'))).toEqual([
      'POST /api/channels/lobby/schedule job',
    ]);
    expect(lab.getState().preset).toBe('job-progress');

    const switched = controller.setTechnique('long-poll');
    await vi.advanceTimersByTimeAsync(0);
    await answerDelete();
    await switched;
    const running = sessions.filter((s) => s.running);
    expect(running).toEqual([{ technique: 'long-poll', running: true }]);
    void controller.stop();
    await answerDelete();
  });

  it('starts the schedule again when the server ended it while the run goes on', async () => {
    const { controller } = setup();
    await controller.applyPreset('social-feed');
    renewEnded = true;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(lines()).toEqual([
      'POST /api/channels/lobby/schedule feed',
      'POST /api/channels/lobby/schedule/renew',
      'POST /api/channels/lobby/schedule feed',
    ]);
    renewEnded = false;
    const stopped = controller.stop();
    await answerDelete();
    await stopped;
    expect(lines().at(-1)).toBe('DELETE /api/channels/lobby/schedule?id=schedule-2');
  });
});
