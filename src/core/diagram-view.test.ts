import { describe, expect, it } from 'vitest';
import {
  fitRun,
  follow,
  INITIAL_VIEW,
  isFollowing,
  pause,
  spanOf,
  windowEndingAt,
  windowFrom,
  withMode,
  zoomTo,
} from './diagram-view';

describe('the diagram view', () => {
  it('follows by default, one row per step', () => {
    expect(INITIAL_VIEW).toMatchObject({ window: { kind: 'follow' }, mode: 'rows' });
  });

  it('pauses where it is, and Follow keeps the span', () => {
    const time = withMode(INITIAL_VIEW, 'time');
    const paused = pause(time, { t0: 1000, t1: 11_000 });
    expect(paused.window).toEqual({ kind: 'fixed', t0: 1000, t1: 11_000 });
    expect(isFollowing(paused)).toBe(false);
    expect(follow(paused).window).toEqual({ kind: 'follow', spanMs: 10_000 });
  });

  it('zooms a fixed window about its end, within limits, and pans by its end or start', () => {
    const fixed = windowEndingAt(withMode(INITIAL_VIEW, 'time'), 5000);
    expect(zoomTo(fixed, 2000, null).window).toEqual({ kind: 'fixed', t0: 3000, t1: 5000 });
    expect(spanOf(zoomTo(fixed, 1, null))).toBe(50);
    expect(windowFrom(fixed, 100).window).toEqual({ kind: 'fixed', t0: 100, t1: 10_100 });
  });

  it('fits the whole run to scale, with room at both ends', () => {
    const fitted = fitRun(INITIAL_VIEW, 1000, 61_000);
    expect(fitted.mode).toBe('time');
    expect(fitted.window.kind).toBe('fixed');
    if (fitted.window.kind !== 'fixed') return;
    expect(fitted.window.t0).toBeLessThan(1000);
    expect(fitted.window.t1).toBeGreaterThan(61_000);
  });
});
