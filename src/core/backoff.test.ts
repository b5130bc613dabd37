import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, DEFAULT_BACKOFF } from './backoff';
import { seededRandom } from './schedule';

describe('exponential backoff with full jitter', () => {
  const policy = { baseMs: 500, capMs: 10_000, jitter: false };

  it('doubles from the base and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(backoffCeiling(1000, policy)).toBe(10_000);
    expect(backoffCeiling(-3, policy)).toBe(500);
  });

  it('with jitter, waits a uniform share of the ceiling: same seed, same waits', () => {
    const jittered = { ...policy, jitter: true };
    const a = seededRandom(9);
    const b = seededRandom(9);
    const waits = [0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, jittered, a));
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, jittered, b))).toEqual(waits);
    waits.forEach((wait, n) => {
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThan(backoffCeiling(n, jittered));
    });
    // Spread: over many draws the mean is about half the ceiling.
    const random = seededRandom(3);
    const draws = Array.from({ length: 4000 }, () => backoffDelay(3, jittered, random));
    const mean = draws.reduce((sum, x) => sum + x, 0) / draws.length;
    expect(mean).toBeGreaterThan(1900);
    expect(mean).toBeLessThan(2100);
    expect(DEFAULT_BACKOFF.jitter).toBe(true);
  });
});
