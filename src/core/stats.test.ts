import { describe, expect, it } from 'vitest';
import { computeStats, percentile, StatsAccumulator, summariseLatencies } from './stats';
import type { TraceEvent } from './trace';

let seq = 0;
function ev(partial: Partial<TraceEvent> & Pick<TraceEvent, 'kind' | 't'>): TraceEvent {
  return {
    seq: seq++,
    observer: 'client',
    actor: 'bob',
    technique: 'short-poll',
    conn: 'c1',
    dir: 'none',
    ...partial,
  };
}

describe('percentile (nearest rank)', () => {
  it('picks the smallest value with at least p % at or below it', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 90)).toBe(9);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile([42], 95)).toBe(42);
    expect(percentile([], 50)).toBeNull();
  });
  it('summarises unsorted samples', () => {
    expect(summariseLatencies([30, 10, 20], 1)).toEqual({
      count: 3,
      p50: 20,
      p95: 30,
      max: 30,
      mean: 20,
      acrossClocks: 1,
    });
    expect(summariseLatencies([])).toEqual({
      count: 0,
      p50: null,
      p95: null,
      max: null,
      mean: null,
      acrossClocks: 0,
    });
  });
});

describe('computeStats', () => {
  it('counts requests, responses and the wasted share of polls', () => {
    const stats = computeStats([
      ev({ kind: 'request', t: 0, conn: 'p1', dir: 'up' }),
      ev({ kind: 'response', t: 5, conn: 'p1', dir: 'down', empty: true }),
      ev({ kind: 'request', t: 10, conn: 'p2', dir: 'up' }),
      ev({ kind: 'response', t: 15, conn: 'p2', dir: 'down', empty: true }),
      ev({ kind: 'request', t: 20, conn: 'p3', dir: 'up' }),
      ev({ kind: 'response', t: 25, conn: 'p3', dir: 'down', empty: false, messageIds: [1] }),
      // A publish POST: a request and a response that is not a poll.
      ev({ kind: 'request', t: 30, conn: 'a1', actor: 'alice', dir: 'up' }),
      ev({ kind: 'response', t: 31, conn: 'a1', actor: 'alice', dir: 'down' }),
    ]);
    expect(stats.requests).toBe(4);
    expect(stats.responses).toBe(4);
    expect(stats.empty).toBe(2);
    expect(stats.pollResponses).toBe(3);
    expect(stats.wastedShare).toBeCloseTo(2 / 3);
  });

  it('times each delivery from its send on the page clock, whichever arrives first', () => {
    const stats = computeStats([
      ev({ kind: 'publish', t: 110, actor: 'alice', messageIds: [1], details: { sentAt: 100 } }),
      ev({ kind: 'deliver', t: 150, actor: 'bob', messageIds: [1] }),
      ev({ kind: 'deliver', t: 170, actor: 'carol', messageIds: [1] }),
      // Pushed before the publisher's 201 came back.
      ev({ kind: 'deliver', t: 205, actor: 'bob', messageIds: [2] }),
      ev({ kind: 'publish', t: 210, actor: 'alice', messageIds: [2], details: { sentAt: 200 } }),
      // A message from elsewhere (no publish on this page) is counted but not timed.
      ev({ kind: 'deliver', t: 300, actor: 'bob', messageIds: [3] }),
    ]);
    expect(stats.delivered).toBe(4);
    expect(stats.latency).toEqual({
      count: 3,
      p50: 50,
      p95: 70,
      max: 70,
      mean: (50 + 70 + 5) / 3,
      // All on the page's one clock.
      acrossClocks: 0,
    });
  });

  it('times a message the server made from its publish step, and ignores the server step of a page send', () => {
    const server = { observer: 'server' as const, actor: 'server-1', conn: 'schedule-1' };
    const stats = computeStats([
      // Scheduled by the server: no sentAt; t is already on the page clock.
      ev({ ...server, kind: 'publish', t: 1000, messageIds: [7], details: { from: 'ticker' } }),
      ev({ kind: 'deliver', t: 1040, actor: 'bob', messageIds: [7] }),
      // Sent from this page: the server also reports it (with the page's sentAt), but the
      // page's own publish step times it.
      ev({ kind: 'deliver', t: 2050, actor: 'bob', messageIds: [8] }),
      ev({ ...server, kind: 'publish', t: 2030, messageIds: [8], details: { sentAt: 2000 } }),
      ev({ kind: 'publish', t: 2060, actor: 'alice', messageIds: [8], details: { sentAt: 2000 } }),
    ]);
    expect(stats.latency).toMatchObject({ count: 2, p50: 40, max: 50 });
    // The server's own message was timed across clocks; the page's send was not.
    expect(stats.latency.acrossClocks).toBe(1);
    expect(stats.requests).toBe(0);
    // A step without a usable time (a broken recording) never turns the percentiles into NaN.
    const broken = computeStats([
      ev({ ...server, kind: 'publish', t: Number.NaN, messageIds: [9], details: {} }),
      ev({ kind: 'deliver', t: 10, actor: 'bob', messageIds: [9] }),
    ]);
    expect(broken.latency.count).toBe(0);
    expect(broken.delivered).toBe(1);
  });

  it('counts a second copy of a message as a duplicate, not a delivery', () => {
    const stats = computeStats([
      ev({ kind: 'deliver', t: 1, messageIds: [1] }),
      ev({ kind: 'deliver', t: 2, messageIds: [1] }),
      ev({ kind: 'deliver', t: 3, messageIds: [2], details: { duplicate: true } }),
      ev({ kind: 'deliver', t: 4, actor: 'carol', messageIds: [1] }),
    ]);
    expect(stats.delivered).toBe(2);
    expect(stats.duplicates).toBe(2);
  });

  it('tracks open connections now and at most', () => {
    const stats = computeStats([
      ev({ kind: 'request', t: 0, conn: 'ws-a', technique: 'websocket' }),
      ev({ kind: 'ws-open', t: 1, conn: 'ws-a', technique: 'websocket' }),
      ev({ kind: 'request', t: 2, conn: 'sse-b', technique: 'sse' }),
      ev({ kind: 'sse-open', t: 3, conn: 'sse-b', technique: 'sse' }),
      ev({ kind: 'request', t: 4, conn: 'lp-c', technique: 'long-poll' }),
      ev({ kind: 'response', t: 5, conn: 'lp-c', technique: 'long-poll', empty: true }),
      ev({ kind: 'error', t: 6, conn: 'sse-b', technique: 'sse' }),
      ev({ kind: 'reconnect', t: 7, conn: 'sse-b2', technique: 'sse' }),
      ev({ kind: 'sse-open', t: 8, conn: 'sse-b2', technique: 'sse' }),
    ]);
    expect(stats.maxOpenConnections).toBe(3);
    expect(stats.openConnections).toBe(2);
    // The browser's HTTP budget: the stream and the held poll, never the WebSocket.
    expect(stats.maxHttpInUse).toBe(2);
    expect(stats.httpInUse).toBe(1);
    expect(stats.reconnects).toBe(1);
    expect(stats.errors).toBe(1);
  });

  it('adds bytes by direction with header and payload apart, preferring the server’s socket counts', () => {
    const clientOnly = computeStats([
      ev({ kind: 'request', t: 0, dir: 'up', bytes: { header: 0, payload: 20 } }),
      ev({ kind: 'response', t: 1, dir: 'down', bytes: { header: 150, payload: 30 } }),
      ev({ kind: 'ws-frame', t: 2, dir: 'down', bytes: { header: 2, payload: 40 } }),
    ]);
    expect(clientOnly.bytesObserver).toBe('client');
    expect(clientOnly.bytesUp).toEqual({ header: 0, payload: 20 });
    expect(clientOnly.bytesDown).toEqual({ header: 152, payload: 70 });

    const withServer = computeStats([
      ev({ kind: 'request', t: 0, dir: 'up', bytes: { header: 0, payload: 20 } }),
      ev({
        kind: 'request',
        t: 1,
        dir: 'up',
        observer: 'server',
        actor: 'server-1',
        bytes: { header: 310, payload: 20 },
      }),
      ev({
        kind: 'response',
        t: 2,
        dir: 'down',
        observer: 'server',
        actor: 'server-1',
        bytes: { header: 160, payload: 30 },
      }),
      // Server-observed events count for bytes only: this is not a second request.
    ]);
    expect(withServer.bytesObserver).toBe('server');
    expect(withServer.bytesUp).toEqual({ header: 310, payload: 20 });
    expect(withServer.bytesDown).toEqual({ header: 160, payload: 30 });
    expect(withServer.requests).toBe(1);
  });

  it('gives the same figures folded one by one or all at once', () => {
    const events = [
      ev({ kind: 'request', t: 0, conn: 'x', dir: 'up' }),
      ev({ kind: 'publish', t: 0, actor: 'alice', messageIds: [9], details: { sentAt: 0 } }),
      ev({ kind: 'response', t: 9, conn: 'x', dir: 'down', empty: false, messageIds: [9] }),
      ev({ kind: 'deliver', t: 9, messageIds: [9] }),
    ];
    const accumulator = new StatsAccumulator();
    const snapshots = events.map((event) => {
      accumulator.add(event);
      return accumulator.snapshot();
    });
    expect(snapshots[0]!.openConnections).toBe(1);
    expect(snapshots.at(-1)).toEqual(computeStats(events));
    expect(snapshots.at(-1)!.latency.p50).toBe(9);
  });

  it('splits bytes by the sender’s connections and the receivers’, whoever counted them', () => {
    const server = { observer: 'server' as const, actor: 'server-1' };
    const events = [
      // Alice publishes: her POST and its 201, as the browser and as the server saw them.
      ev({
        kind: 'request',
        t: 0,
        actor: 'alice',
        conn: 'a1',
        dir: 'up',
        bytes: { header: 0, payload: 60 },
      }),
      ev({
        ...server,
        kind: 'request',
        t: 1,
        peer: 'alice',
        conn: 'a1',
        dir: 'up',
        bytes: { header: 680, payload: 60 },
      }),
      ev({
        ...server,
        kind: 'response',
        t: 2,
        peer: 'alice',
        conn: 'a1',
        dir: 'down',
        bytes: { header: 176, payload: 36 },
      }),
      ev({
        kind: 'response',
        t: 3,
        actor: 'alice',
        conn: 'a1',
        dir: 'down',
        bytes: { header: 300, payload: 36 },
      }),
      ev({
        kind: 'publish',
        t: 3,
        actor: 'alice',
        conn: 'a1',
        messageIds: [1],
        details: { sentAt: 0 },
      }),
      // Bob's stream carries it.
      ev({
        ...server,
        kind: 'sse-event',
        t: 2,
        peer: 'bob',
        conn: 'b1',
        dir: 'down',
        bytes: { header: 6, payload: 167 },
      }),
      ev({
        kind: 'sse-event',
        t: 4,
        actor: 'bob',
        conn: 'b1',
        dir: 'down',
        bytes: { header: 0, payload: 167 },
      }),
      ev({ kind: 'deliver', t: 4, actor: 'bob', conn: 'b1', messageIds: [1] }),
    ];
    // Without a set-up, whoever publishes is a sender.
    const guessed = computeStats(events);
    expect(guessed.bytesObserver).toBe('server');
    expect(guessed.receiveBytes).toEqual({
      up: { header: 0, payload: 0 },
      down: { header: 6, payload: 167 },
    });
    expect(guessed.sendBytes).toEqual({
      up: { header: 680, payload: 60 },
      down: { header: 176, payload: 36 },
    });
    expect(guessed.published).toBe(1);
    // The set-up names the sender: the same split.
    expect(computeStats(events, { sender: 'alice' })).toEqual(guessed);
    // Nobody sends from the page (compare mode): every participant's bytes are receiving.
    const noSender = computeStats(events, { sender: null });
    expect(noSender.sendBytes).toEqual({
      up: { header: 0, payload: 0 },
      down: { header: 0, payload: 0 },
    });
    expect(noSender.receiveBytes.up).toEqual({ header: 680, payload: 60 });
    expect(noSender.published).toBe(0);
    // The browser's own view, when the server's count is missing.
    const clientOnly = computeStats(events.filter((e) => e.observer === 'client'));
    expect(clientOnly.sendBytes).toEqual({
      up: { header: 0, payload: 60 },
      down: { header: 300, payload: 36 },
    });
    expect(clientOnly.receiveBytes.down).toEqual({ header: 0, payload: 167 });
  });

  it('counts each message a sender published once', () => {
    const stats = computeStats([
      ev({ kind: 'publish', t: 1, actor: 'alice', messageIds: [1, 2], details: { sentAt: 0 } }),
      ev({ kind: 'publish', t: 2, actor: 'alice', messageIds: [2], details: { sentAt: 0 } }),
    ]);
    expect(stats.published).toBe(2);
  });
});
