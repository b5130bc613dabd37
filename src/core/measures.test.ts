import { describe, expect, it } from 'vitest';
import { buildTrace, type StepSketch } from './trace-builder';
import { measureRun } from './measures';

const trace = (...steps: StepSketch[]) =>
  buildTrace({ technique: 'short-poll', conn: 'c' }, ...steps);

describe('measureRun', () => {
  it('measures rates, round trips and costs per delivery from the trace', () => {
    const events = trace(
      { kind: 'request', t: 0, conn: 'p1', dir: 'up' },
      {
        kind: 'response',
        t: 4,
        conn: 'p1',
        dir: 'down',
        empty: true,
        bytes: { header: 150, payload: 30 },
      },
      { kind: 'request', t: 1000, conn: 'p2', dir: 'up' },
      {
        kind: 'response',
        t: 1006,
        conn: 'p2',
        dir: 'down',
        empty: true,
        bytes: { header: 150, payload: 30 },
      },
      { kind: 'publish', t: 1500, actor: 'alice', conn: 'a1', messageIds: [1] },
      { kind: 'request', t: 2000, conn: 'p3', dir: 'up' },
      {
        kind: 'response',
        t: 2005,
        conn: 'p3',
        dir: 'down',
        empty: false,
        messageIds: [1],
        bytes: { header: 150, payload: 90 },
      },
      { kind: 'deliver', t: 2005, messageIds: [1] },
      {
        kind: 'ws-frame',
        t: 3000,
        observer: 'server',
        actor: 'server-1',
        peer: 'erin',
        dir: 'down',
        bytes: { header: 2, payload: 50 },
      },
      {
        kind: 'ws-frame',
        t: 3000,
        observer: 'server',
        actor: 'server-1',
        peer: 'erin',
        dir: 'down',
        bytes: { header: 4, payload: 200 },
      },
      {
        kind: 'ws-frame',
        t: 4000,
        observer: 'server',
        actor: 'server-1',
        peer: 'erin',
        dir: 'up',
        bytes: { header: 6, payload: 50 },
      },
    );
    const measures = measureRun(events, ['bob']);
    expect(measures).toMatchObject({
      durationMs: 4000,
      publishes: 1,
      publishRate: 0.25,
      roundTripMs: 5,
      requestsPerReceiverPerSecond: 0.75,
      requestsPerDelivery: 3,
      frameHeaderDown: 3,
      frameHeaderUp: 6,
      frameHeaderDownExpected: 3,
      frameHeaderUpExpected: 6,
      bytesDownPerDelivery: 600,
    });
  });
  it('takes the round trip from every short poll, not only the empty ones', () => {
    // A brisk run: only the first, cold poll comes back empty.
    const events = trace(
      { kind: 'request', t: 0, conn: 'p1', dir: 'up' },
      { kind: 'response', t: 90, conn: 'p1', dir: 'down', empty: true },
      ...[1, 2, 3, 4].flatMap((i): StepSketch[] => [
        { kind: 'request', t: i * 1000, conn: `p${i + 1}`, dir: 'up' },
        {
          kind: 'response',
          t: i * 1000 + 10 + i,
          conn: `p${i + 1}`,
          dir: 'down',
          empty: false,
          messageIds: [i],
        },
      ]),
    );
    // The median of 90, 11, 12, 13, 14 ms; the empty poll alone would say 90.
    expect(measureRun(events, ['bob']).roundTripMs).toBe(13);
  });
  it('has nothing to say about an empty trace', () => {
    expect(measureRun([], ['bob'])).toMatchObject({
      durationMs: 0,
      publishRate: 0,
      roundTripMs: null,
      requestsPerDelivery: null,
    });
  });
});
