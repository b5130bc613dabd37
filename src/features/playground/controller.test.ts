import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { sendGaps } from '../../core';
import { initialLabState, MAX_SEED, type LabState } from '../../store/lab-store';
import { createTraceStore } from '../../store/trace-store';
import { LabController, REPLAY_SETUP_BLOCKED, REPLAY_START_BLOCKED } from './controller';

/** When each automatic message went, on the fake clock. */
const sentAt = vi.hoisted((): number[] => []);

vi.mock('../../transports/session', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../transports/session')>();
  /** Stands in for the participants: no network, it only notes when Alice sends. */
  class FakeSession {
    constructor(
      private readonly options: {
        technique: string;
        store?: { append(event: Record<string, unknown>): void };
      },
    ) {}
    start(): Promise<void> {
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
    stop(): void {}
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
  return { lab, trace, controller: new LabController(lab, trace) };
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
