import { describe, expect, it } from 'vitest';
import type { TraceEventInput } from '../../core';
import { createCompareTraces } from '../../store/compare-store';
import { routeByTechnique } from './controller';

const step = (partial: Partial<TraceEventInput>): TraceEventInput => ({
  t: 0,
  observer: 'client',
  actor: 'bob',
  technique: 'sse',
  conn: 'bob-sse-1',
  kind: 'request',
  dir: 'up',
  ...partial,
});

describe('compare mode routes each step to its technique', () => {
  it('by technique; shared steps to all four; a server step to its client’s technique', () => {
    const traces = createCompareTraces();
    const route = routeByTechnique(traces);
    route.append(step({}));
    route.append(step({ observer: 'server', actor: 'server-1', kind: 'sse-open' }));
    route.append(
      step({
        observer: 'server',
        actor: 'server-1',
        technique: null,
        kind: 'publish',
        conn: 'schedule-1',
      }),
    );
    // A WebSocket client's fallback long poll: the server saw a long poll.
    route.append(
      step({ technique: 'websocket', conn: 'bob-long-poll-4', details: { fallback: true } }),
    );
    route.append(
      step({
        observer: 'server',
        actor: 'server-1',
        technique: 'long-poll',
        conn: 'bob-long-poll-4',
        kind: 'hold',
      }),
    );
    for (const store of [traces.all, ...Object.values(traces.byTechnique)]) store.flush();
    const kinds = (t: keyof typeof traces.byTechnique) =>
      traces.byTechnique[t].getState().events.map((e) => e.kind);
    expect(kinds('sse')).toEqual(['request', 'sse-open', 'publish']);
    expect(kinds('websocket')).toEqual(['publish', 'request', 'hold']);
    expect(kinds('long-poll')).toEqual(['publish']);
    expect(kinds('short-poll')).toEqual(['publish']);
    expect(traces.all.getState().events).toHaveLength(5);
  });
});
