import { describe, expect, it } from 'vitest';
import { perConnection, quantile, ratio } from './load-results';

describe('quantile', () => {
  it('is NaN for no values', () => {
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('takes the nearest rank on a sorted copy, leaving the input as it was', () => {
    const values = [5, 1, 4, 2, 3];
    expect(quantile(values, 0.5)).toBe(3);
    expect(quantile(values, 0)).toBe(1);
    expect(quantile(values, 1)).toBe(5);
    expect(values).toEqual([5, 1, 4, 2, 3]);
  });

  it('gives the 99th of 100 values at p99 and the largest of fewer', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(hundred, 0.99)).toBe(99);
    expect(quantile([1, 2, 3], 0.99)).toBe(3);
  });

  it('clamps quantiles outside 0–1 to the ends', () => {
    expect(quantile([1, 2, 3], -1)).toBe(1);
    expect(quantile([1, 2, 3], 2)).toBe(3);
  });
});

describe('perConnection', () => {
  it('divides the growth between two readings by the connections', () => {
    expect(perConnection(50_000_000, 90_000_000, 10_000)).toBe(4_000);
  });

  it('is negative when memory shrank (the reading says so; it is not hidden)', () => {
    expect(perConnection(2_000, 1_000, 10)).toBe(-100);
  });

  it('is NaN without connections', () => {
    expect(perConnection(1, 2, 0)).toBeNaN();
  });
});

describe('ratio', () => {
  it('is the lab over its baseline', () => {
    expect(ratio(7_900, 4_000)).toBeCloseTo(1.975);
  });

  it('is NaN without a positive baseline or with a lab figure that is not finite', () => {
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(1, -2)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
    expect(ratio(Number.POSITIVE_INFINITY, 2)).toBeNaN();
  });
});
