import { describe, expect, it } from 'vitest';
import { seededRandom, sendGaps } from './schedule';

describe('send schedules', () => {
  it('repeats exactly for a seed and differs between seeds', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect(c()).not.toBe(first[0]);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
  it('keeps the mean rate: steady gaps are equal, random gaps are exponential', () => {
    const steady = sendGaps('steady', 4);
    expect([steady(), steady()]).toEqual([250, 250]);
    const random = sendGaps('random', 4, 7);
    const gaps = Array.from({ length: 20_000 }, random);
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    expect(mean).toBeGreaterThan(240);
    expect(mean).toBeLessThan(260);
    // An exponential's share of gaps shorter than the mean is 1 − 1/e ≈ 63 %.
    const short = gaps.filter((g) => g < 250).length / gaps.length;
    expect(short).toBeGreaterThan(0.61);
    expect(short).toBeLessThan(0.65);
  });
  it('gives the same random gaps for the same seed, other gaps for another', () => {
    const a = Array.from({ length: 50 }, sendGaps('random', 10, 5));
    expect(Array.from({ length: 50 }, sendGaps('random', 10, 5))).toEqual(a);
    const b = Array.from({ length: 50 }, sendGaps('random', 10, 6));
    expect(b.filter((gap, i) => gap === a[i])).toEqual([]);
    for (const gap of [...a, ...b]) {
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(gap)).toBe(true);
    }
    // The seed only matters to the random pattern.
    expect(sendGaps('steady', 10, 5)()).toBe(sendGaps('steady', 10, 6)());
  });
});
