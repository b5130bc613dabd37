import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HeartbeatWheel } from './heartbeat-wheel';

/** A connection that notes when each of its beats ran (fake time, ms since the start). */
function beater(start: number, beats: number[], onBeat?: () => void) {
  return {
    beat: () => {
      beats.push(Date.now() - start);
      onBeat?.();
    },
  };
}

describe('HeartbeatWheel', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('beats each connection on its own interval from when it started, with one timer per interval', () => {
    const wheel = new HeartbeatWheel();
    const start = Date.now();
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    wheel.every(100, beater(start, a));
    vi.advanceTimersByTime(30);
    wheel.every(100, beater(start, b));
    wheel.every(250, beater(start, c));
    expect(wheel.timers).toBe(2);
    expect(wheel.size).toBe(3);
    vi.advanceTimersByTime(500);
    // Not in step: b keeps the 30 ms it started after a.
    expect(a).toEqual([100, 200, 300, 400, 500]);
    expect(b).toEqual([130, 230, 330, 430, 530]);
    expect(c).toEqual([280, 530]);
  });

  it('stops a cancelled beat, and its interval’s timer with the last one', () => {
    const wheel = new HeartbeatWheel();
    const start = Date.now();
    const a: number[] = [];
    const b: number[] = [];
    const first = wheel.every(100, beater(start, a));
    const second = wheel.every(100, beater(start, b));
    vi.advanceTimersByTime(150);
    wheel.cancel(first);
    wheel.cancel(first);
    vi.advanceTimersByTime(100);
    expect(a).toEqual([100]);
    expect(b).toEqual([100, 200]);
    wheel.cancel(second);
    expect(wheel.timers).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(500);
    expect(b).toEqual([100, 200]);
  });

  it('lets a beat cancel itself or another, or start a new one, while the interval runs', () => {
    const wheel = new HeartbeatWheel();
    const start = Date.now();
    const selfish: number[] = [];
    const victim: number[] = [];
    const late: number[] = [];
    let own: ReturnType<HeartbeatWheel['every']> | null = null;
    let other: ReturnType<HeartbeatWheel['every']> | null = null;
    own = wheel.every(
      100,
      beater(start, selfish, () => {
        wheel.cancel(own!);
        wheel.cancel(other!);
        wheel.every(100, beater(start, late));
      }),
    );
    other = wheel.every(100, beater(start, victim));
    vi.advanceTimersByTime(350);
    expect(selfish).toEqual([100]);
    // Due at the same moment but cancelled by the beat before it: it never runs.
    expect(victim).toEqual([]);
    expect(late).toEqual([200, 300]);
    expect(wheel.size).toBe(1);
  });

  it('goes on beating the other connections when one beat throws', () => {
    const wheel = new HeartbeatWheel();
    const start = Date.now();
    const ok: number[] = [];
    let thrown = false;
    wheel.every(100, {
      beat: () => {
        if (thrown) return;
        thrown = true;
        throw new Error('boom');
      },
    });
    wheel.every(100, beater(start, ok));
    // The beat due with the one that threw waits for the next timer (a tick later), which is
    // armed all the same, and goes on from there.
    expect(() => vi.advanceTimersByTime(100)).toThrow('boom');
    vi.advanceTimersByTime(200);
    expect(ok).toEqual([101, 201]);
  });
});
