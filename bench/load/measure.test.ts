import { describe, expect, it } from 'vitest';
import { quantile } from '../../src/core/load-results';
import {
  bucketMs,
  LatencyTally,
  maxOfCounts,
  mergeCounts,
  nextRate,
  quantileOfCounts,
  shares,
  sourceAddresses,
  stepHolds,
  summarizeFanOut,
  sustainedRate,
  type RateStep,
} from './measure';

describe('bucketMs', () => {
  it('keeps 0.01 ms under 10 ms, 0.1 ms under 1 s and whole ms above', () => {
    expect(bucketMs(1.2345)).toBe(1.23);
    expect(bucketMs(54.56)).toBe(54.6);
    expect(bucketMs(1234.4)).toBe(1234);
  });

  it('reads a negative latency (clock noise across processes) as 0', () => {
    expect(bucketMs(-0.2)).toBe(0);
  });

  it('is never more than 0.5 % off from 10 ms up', () => {
    for (const v of [10, 10.04, 99.95, 999.9, 1000.4, 54_321.5]) {
      expect(Math.abs(bucketMs(v) - v) / v).toBeLessThanOrEqual(0.005);
    }
  });
});

describe('counted latencies', () => {
  const values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9];

  it('have the quantiles of the values themselves (same nearest rank)', () => {
    const tally = new LatencyTally();
    for (const v of values) tally.add(v);
    expect(tally.count).toBe(values.length);
    for (const q of [0, 0.1, 0.5, 0.9, 0.99, 1]) {
      expect(quantileOfCounts(tally.counts(), q)).toBe(quantile(values, q));
    }
    expect(maxOfCounts(tally.counts())).toBe(9);
  });

  it('merge over processes as if counted in one', () => {
    const a = new LatencyTally();
    const b = new LatencyTally();
    values.slice(0, 7).forEach((v) => a.add(v));
    values.slice(7).forEach((v) => b.add(v));
    const merged = mergeCounts([a.counts(), b.counts()]);
    expect(quantileOfCounts(merged, 0.5)).toBe(quantile(values, 0.5));
    expect(merged.reduce((s, [, n]) => s + n, 0)).toBe(values.length);
    expect(merged.map(([v]) => v)).toEqual([...new Set(values)].sort((x, y) => x - y));
  });

  it('are NaN when empty', () => {
    expect(quantileOfCounts([], 0.5)).toBeNaN();
    expect(maxOfCounts([])).toBeNaN();
  });
});

describe('summarizeFanOut', () => {
  it('pools every delivery, takes the last receiver of each publish, and counts the missing', () => {
    const summary = summarizeFanOut([
      {
        counts: [
          [1, 2],
          [2, 1],
          [10, 1],
        ],
        expected: 4,
      },
      {
        counts: [
          [3, 2],
          [4, 1],
        ],
        expected: 4,
      },
      {
        counts: [
          [5, 1],
          [6, 3],
        ],
        expected: 4,
      },
    ]);
    expect(summary.publishes).toBe(3);
    expect(summary.missing).toBe(1);
    expect(summary.maxMs).toBe(10);
    // Pooled: 1 1 2 3 3 4 5 6 6 6 10.
    expect(summary.p50Ms).toBe(4);
    expect(summary.p99Ms).toBe(10);
    // The last receivers: 10, 4 and 6 ms.
    expect(summary.lastP50Ms).toBe(6);
  });

  it('is NaN throughout, and all missing, when nothing arrived', () => {
    const summary = summarizeFanOut([{ counts: [], expected: 5 }]);
    expect(summary.p99Ms).toBeNaN();
    expect(summary.lastP50Ms).toBeNaN();
    expect(summary.missing).toBe(5);
  });
});

const step = (perSecond: number, p99Ms: number, missing = 0, sent = perSecond): RateStep => ({
  perSecond,
  p99Ms,
  missing,
  sentPerSecond: sent,
});

describe('the throughput search', () => {
  const limits = { first: 25, max: 1_000, maxSteps: 10 };

  it('holds a step only within budget, with nothing lost and the publisher on pace', () => {
    expect(stepHolds(step(100, 99.9), 100)).toBe(true);
    expect(stepHolds(step(100, 100.1), 100)).toBe(false);
    expect(stepHolds(step(100, 5, 1), 100)).toBe(false);
    expect(stepHolds(step(100, 5, 0, 80), 100)).toBe(false);
    expect(stepHolds(step(100, Number.NaN), 100)).toBe(false);
  });

  it('starts at the first rate and doubles while steps hold, up to the maximum', () => {
    expect(nextRate([], 100, limits)).toBe(25);
    expect(nextRate([step(25, 5), step(50, 8)], 100, limits)).toBe(100);
    expect(nextRate([step(400, 5), step(800, 8)], 100, limits)).toBeUndefined();
  });

  it('then halves the gap between the best that held and the lowest that failed', () => {
    const steps = [step(100, 10), step(200, 20), step(400, 300)];
    expect(nextRate(steps, 100, limits)).toBe(300);
    expect(nextRate([...steps, step(300, 50)], 100, limits)).toBe(350);
    expect(nextRate([...steps, step(300, 50), step(350, 120)], 100, limits)).toBe(325);
    // 325 held: the gap to 350 is under 15 % of it.
    expect(
      nextRate([...steps, step(300, 50), step(350, 120), step(325, 90)], 100, limits),
    ).toBeUndefined();
  });

  it('goes down from the first rate when even that fails, and stops after its steps', () => {
    expect(nextRate([step(25, 500)], 100, limits)).toBe(12);
    expect(nextRate([step(25, 500), step(12, 50)], 100, limits)).toBe(19);
    const many = Array.from({ length: 10 }, (_, i) => step(25 * 2 ** i, 1));
    expect(nextRate(many, 100, { ...limits, max: 1e9 })).toBeUndefined();
  });

  it('reports the highest rate that held and the lowest that failed', () => {
    const steps = [step(100, 10), step(200, 20), step(400, 300), step(300, 50)];
    expect(sustainedRate(steps, 100)).toEqual({ perSecond: 300, p99Ms: 50, failedAt: 400 });
    expect(sustainedRate([step(25, 500)], 100)).toEqual({
      perSecond: 0,
      p99Ms: Number.NaN,
      failedAt: 25,
    });
  });
});

describe('shares and addresses', () => {
  it('splits a count into near-equal whole shares that add up', () => {
    expect(shares(10, 3)).toEqual([4, 3, 3]);
    expect(shares(2, 4)).toEqual([1, 1, 0, 0]);
    expect(shares(5_000, 2)).toEqual([2_500, 2_500]);
  });

  it('names the loopback source addresses from 127.0.0.2', () => {
    expect(sourceAddresses(3)).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
    expect(() => sourceAddresses(0)).toThrow(RangeError);
    expect(() => sourceAddresses(251)).toThrow(RangeError);
  });
});
