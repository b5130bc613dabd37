import { describe, expect, it } from 'vitest';
import { compareRunAfter, initialCompareState } from './compare-store';

describe('the compare run', () => {
  const idle = { running: false, recording: false } as const;
  it('begins idle', () => {
    expect(initialCompareState()).toMatchObject(idle);
  });
  it('runs live, or shows a recording, never both', () => {
    const running = compareRunAfter(idle, 'start');
    expect(running).toEqual({ running: true, recording: false });
    expect(compareRunAfter(running, 'stop')).toEqual(idle);
    const recording = compareRunAfter(running, 'load');
    expect(recording).toEqual({ running: false, recording: true });
    expect(compareRunAfter(recording, 'stop')).toEqual(recording);
    expect(compareRunAfter(recording, 'start')).toEqual(running);
  });
});
