import { describe, expect, it, vi } from 'vitest';
import { Timers } from './timers';

describe('Timers', () => {
  it('cancels every pending timer at once', () => {
    vi.useFakeTimers();
    const timers = new Timers();
    const fn = vi.fn();
    timers.set(fn, 10);
    timers.set(fn, 20);
    expect(timers.size).toBe(2);
    timers.clearAll();
    vi.advanceTimersByTime(100);
    expect(fn).not.toHaveBeenCalled();
    expect(timers.size).toBe(0);
    vi.useRealTimers();
  });
});
