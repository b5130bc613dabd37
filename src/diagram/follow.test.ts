import { describe, expect, it } from 'vitest';
import { followPage } from './SequenceDiagram';

describe('followPage', () => {
  it('starts with the first event near the top, then moves in half-window pages', () => {
    expect(followPage(1000, 1000, 10_000)).toBe(10_700);
    expect(followPage(1000, 9000, 10_000)).toBe(11_000);
    const t1 = followPage(1000, 25_000, 10_000);
    expect(t1).toBe(26_000);
    // "Now" stays between 10 % and 60 % of a window above the bottom edge.
    for (let now = 12_000; now < 40_000; now += 777) {
      const end = followPage(1000, now, 10_000);
      expect(end - now).toBeGreaterThanOrEqual(1000);
      expect(end - now).toBeLessThanOrEqual(6000);
      expect((end - 1000) % 5000).toBe(0);
    }
  });
});
