import { describe, expect, it } from 'vitest';
import { segmentEvent, TECHNIQUES, type TraceEventInput } from '../../core';
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

describe('a compare run begins one run per technique', () => {
  it('gives each technique’s trace its own set-up, in which the server sends', () => {
    const traces = createCompareTraces();
    const route = routeByTechnique(traces);
    for (const technique of TECHNIQUES) {
      route.append(
        segmentEvent(
          {
            technique,
            sender: null,
            receivers: ['bob'],
            knobs: {},
            preset: null,
            serverSource: { ratePerSecond: 4, from: 'ticker', type: 'message' },
            reason: 'compare',
          },
          0,
          `segment-${technique}`,
        ),
      );
    }
    route.append(step({ bytes: { header: 600, payload: 0 } }));
    for (const store of [traces.all, ...Object.values(traces.byTechnique)]) store.flush();
    for (const technique of TECHNIQUES) {
      const state = traces.byTechnique[technique].getState();
      expect(state.segments).toEqual([0]);
      expect(state.setup).toMatchObject({ technique, sender: null, reason: 'compare' });
    }
    // Bob's bytes are receiving bytes: nobody sends from the page.
    expect(traces.byTechnique.sse.getState().stats.receiveBytes.up.header).toBe(600);
    // The whole run's trace: four set-ups in a row, then the traffic, all of it counted.
    expect(traces.all.getState().segments).toEqual([0, 1, 2, 3]);
    expect(traces.all.getState().stats.requests).toBe(1);
  });
});
