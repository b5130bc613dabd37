import { describe, expect, it } from 'vitest';
import type { TraceEventInput } from '../core';
import { createTraceStore } from './trace-store';

const input = (kind: TraceEventInput['kind'], conn = 'c'): TraceEventInput => ({
  t: 1,
  observer: 'client',
  actor: 'bob',
  technique: 'short-poll',
  conn,
  kind,
  dir: 'none',
});

describe('trace store', () => {
  it('numbers events and applies them in one batch per flush', async () => {
    const store = createTraceStore();
    let notified = 0;
    store.subscribe(() => notified++);
    store.append(input('request'));
    store.append(input('response'));
    expect(store.getState().events).toHaveLength(0);
    await Promise.resolve();
    expect(notified).toBe(1);
    expect(store.getState().events.map((e) => e.seq)).toEqual([0, 1]);
    expect(store.getState().stats.requests).toBe(1);
  });

  it('flushes on demand, clears, and loads a recording', () => {
    const store = createTraceStore();
    store.append(input('request'));
    store.flush();
    expect(store.getState().stats.openConnections).toBe(1);
    store.clear();
    expect(store.getState().events).toHaveLength(0);
    expect(store.getState().stats.requests).toBe(0);
    store.load([{ ...input('request'), seq: 5 }]);
    store.append(input('response'));
    store.flush();
    expect(store.getState().events.map((e) => e.seq)).toEqual([5, 6]);
    expect(store.getState().stats.openConnections).toBe(0);
  });
});

describe('extend', () => {
  it('appends recorded events keeping their seq, and later appends continue after them', () => {
    const store = createTraceStore();
    store.extend([
      { ...input('request'), seq: 10 },
      { ...input('response'), seq: 12 },
    ]);
    store.append(input('request', 'd'));
    store.flush();
    expect(store.getState().events.map((e) => e.seq)).toEqual([10, 12, 13]);
    expect(store.getState().stats.requests).toBe(2);
  });
});
