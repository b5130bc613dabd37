import { describe, expect, it } from 'vitest';
import { segmentEvent, type TraceEventInput } from '../core';
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

describe('runs in one trace', () => {
  const segment = (technique: 'short-poll' | 'long-poll', reason: 'start' | 'switch') =>
    segmentEvent(
      {
        technique,
        sender: 'alice',
        receivers: ['bob'],
        knobs: {},
        preset: null,
        serverSource: null,
        reason,
      },
      1,
      `segment-${technique}`,
    );

  it('keeps the whole log but counts the current run, and says where it begins', () => {
    const store = createTraceStore();
    store.append(segment('short-poll', 'start'));
    for (const n of [1, 2, 3]) {
      store.append({ ...input('request', `p${n}`), dir: 'up' });
      store.append({ ...input('response', `p${n}`), dir: 'down', empty: true });
    }
    store.flush();
    expect(store.getState()).toMatchObject({ segmentStart: 0, segments: [0] });
    expect(store.getState().stats).toMatchObject({ requests: 3, empty: 3, wastedShare: 1 });

    store.append(segment('long-poll', 'switch'));
    store.append({ ...input('request', 'lp1'), technique: 'long-poll', dir: 'up' });
    store.flush();
    const state = store.getState();
    expect(state.events).toHaveLength(9);
    expect(state.segmentStart).toBe(7);
    expect(state.segments).toEqual([0, 7]);
    expect(state.setup).toMatchObject({ technique: 'long-poll', reason: 'switch' });
    expect(state.stats).toMatchObject({ requests: 1, empty: 0, wastedShare: 0 });
  });

  it('finds the runs again on load and extend, and forgets them on clear', () => {
    const store = createTraceStore();
    const events = [
      { ...input('request', 'old'), seq: 0 },
      { ...segment('long-poll', 'switch'), seq: 1 },
      { ...input('request', 'new'), seq: 2 },
    ];
    store.load(events.slice(0, 1));
    expect(store.getState()).toMatchObject({ segmentStart: 0, setup: null, segments: [] });
    store.extend(events.slice(1));
    expect(store.getState()).toMatchObject({ segmentStart: 1, segments: [1] });
    expect(store.getState().stats.requests).toBe(1);
    store.load(events);
    expect(store.getState().segmentStart).toBe(1);
    store.clear();
    expect(store.getState()).toMatchObject({ segmentStart: 0, setup: null, segments: [] });
  });
});
