import { describe, expect, it } from 'vitest';
import { buildTrace, type StepSketch } from '../core/trace-builder';
import { layoutSequence } from './layout';
import { SERVER_ACTOR, TraceIndex } from './trace-index';

const view = { t0: 0, t1: 1000, width: 600, height: 540, top: 40 };

const trace = (...steps: StepSketch[]) => buildTrace({}, ...steps);

describe('layoutSequence', () => {
  it('puts the first participant left of the server and the rest to its right', () => {
    const index = new TraceIndex(
      trace(
        { kind: 'request', t: 0, actor: 'bob' },
        { kind: 'request', t: 1, actor: 'carol', conn: 'c2' },
      ),
    );
    const layout = layoutSequence(index, { ...view, actors: ['alice', 'bob'] });
    expect(layout.lanes.map((l) => l.actor)).toEqual(['alice', SERVER_ACTOR, 'bob', 'carol']);
    const xs = layout.lanes.map((l) => l.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(layout.lanes[1]!.role).toBe('server');
  });

  it('maps time downward onto the window', () => {
    const index = new TraceIndex(
      trace(
        { kind: 'request', t: 0, dir: 'up' },
        { kind: 'response', t: 1000, dir: 'down', empty: true, details: { status: 200 } },
      ),
    );
    const layout = layoutSequence(index, view);
    expect(layout.arrows.map((a) => a.y)).toEqual([40, 540]);
    expect(layout.ticks[0]).toMatchObject({ t: 0, y: 40, label: '0 ms' });
  });

  it('draws a request to the server and an empty response back as wasted', () => {
    const index = new TraceIndex(
      trace(
        {
          kind: 'request',
          t: 100,
          dir: 'up',
          technique: 'short-poll',
          details: {
            method: 'GET',
            url: 'http://127.0.0.1:8080/api/channels/lobby/messages?since=0&client=bob&rid=c1',
          },
        },
        {
          kind: 'response',
          t: 110,
          dir: 'down',
          technique: 'short-poll',
          empty: true,
          details: { status: 200 },
        },
        { kind: 'request', t: 300, dir: 'up', technique: 'short-poll', conn: 'c2' },
        {
          kind: 'response',
          t: 310,
          dir: 'down',
          technique: 'short-poll',
          conn: 'c2',
          empty: false,
          messageIds: [4],
          details: { status: 200 },
        },
      ),
    );
    const { arrows, lanes } = layoutSequence(index, { ...view, actors: ['bob'] });
    const bob = lanes.find((l) => l.actor === 'bob')!.x;
    expect(arrows[0]).toMatchObject({
      kind: 'request',
      from: 'bob',
      to: SERVER_ACTOR,
      x1: bob,
      label: 'GET /messages?since=0',
      variant: 'request',
    });
    expect(arrows[1]).toMatchObject({
      kind: 'response',
      from: SERVER_ACTOR,
      to: 'bob',
      x2: bob,
      variant: 'wasted',
      label: '200 empty — wasted',
    });
    expect(arrows[3]).toMatchObject({ variant: 'response', label: '200 · 1 msg (#4)' });
  });

  it('spans a held long poll from arrival to release, with its timeout marked', () => {
    const index = new TraceIndex(
      trace(
        { kind: 'request', t: 100, dir: 'up', details: { timeoutMs: 800 } },
        {
          kind: 'response',
          t: 600,
          dir: 'down',
          empty: false,
          messageIds: [1],
          details: { status: 200 },
        },
      ),
    );
    const layout = layoutSequence(index, view);
    expect(layout.bars).toHaveLength(1);
    const bar = layout.bars[0]!;
    expect(bar).toMatchObject({
      kind: 'hold',
      conn: 'c1',
      open: false,
      start: 100,
      end: 600,
      label: "Bob's long poll, held 0.5 s",
    });
    // A finished hold names its owner at its top.
    expect(bar.placed).toMatchObject({ text: 'Bob' });
    expect(bar.y1).toBeCloseTo(layout.y(100));
    expect(bar.y2).toBeCloseTo(layout.y(600));
    expect(bar.timeoutY).toBeCloseTo(layout.y(900));
  });

  it('draws a still-held poll to now with a live countdown', () => {
    const index = new TraceIndex(
      trace({ kind: 'request', t: 100, dir: 'up', details: { timeoutMs: 2000 } }),
    );
    const bar = layoutSequence(index, { ...view, now: 700 }).bars[0]!;
    expect(bar).toMatchObject({
      open: true,
      remainingMs: 1400,
      label: "Bob's long poll, open 0.6 s · times out in 1.4 s",
    });
    // Below the bar's end (below now), whose it is and the countdown.
    expect(bar.placed).toMatchObject({ text: 'Bob · held 0.6 s · times out in 1.4 s' });
    expect(bar.placed!.y).toBeGreaterThan(bar.y2);
    expect(bar.y2).toBeCloseTo(layoutSequence(index, view).y(700));
  });

  it('draws an SSE stream as one bar with an arrow per event, and a WebSocket as upgrade, 101, frames and close', () => {
    const index = new TraceIndex(
      trace(
        { kind: 'request', t: 0, dir: 'up', technique: 'sse', conn: 's' },
        {
          kind: 'sse-open',
          t: 10,
          dir: 'down',
          technique: 'sse',
          conn: 's',
          details: { retryMs: 3000 },
        },
        {
          kind: 'sse-event',
          t: 50,
          dir: 'down',
          technique: 'sse',
          conn: 's',
          messageIds: [7],
          details: { lastEventId: '7', eventType: 'message' },
        },
        {
          kind: 'request',
          t: 100,
          dir: 'up',
          technique: 'websocket',
          conn: 'w',
          actor: 'carol',
          details: { url: '/api/channels/lobby/ws?since=0' },
        },
        { kind: 'ws-open', t: 105, dir: 'down', technique: 'websocket', conn: 'w', actor: 'carol' },
        {
          kind: 'ws-frame',
          t: 200,
          dir: 'up',
          technique: 'websocket',
          conn: 'w',
          actor: 'carol',
          bytes: { header: 6, payload: 30 },
          details: { opcode: 1 },
        },
        {
          kind: 'ws-frame',
          t: 210,
          dir: 'down',
          technique: 'websocket',
          conn: 'w',
          actor: 'carol',
          bytes: { header: 2, payload: 90 },
          messageIds: [8],
          details: { opcode: 1 },
        },
        {
          kind: 'close',
          t: 400,
          technique: 'websocket',
          conn: 'w',
          actor: 'carol',
          details: { closeCode: 1000 },
        },
      ),
    );
    const layout = layoutSequence(index, view);
    expect(layout.bars.map((b) => [b.kind, b.conn, b.open])).toEqual([
      ['sse-open', 's', true],
      ['ws-open', 'w', false],
    ]);
    expect(layout.arrows.map((a) => [a.kind, a.label])).toEqual([
      ['request', 'GET /events'],
      ['sse-open', '200 text/event-stream · retry: 3000'],
      ['sse-event', 'id 7 · message'],
      ['request', 'GET /ws?since=0 (Upgrade)'],
      ['ws-open', '101 Switching Protocols'],
      ['ws-frame', 'text 36 B'],
      ['ws-frame', 'text 92 B #8'],
    ]);
    expect(layout.marks).toMatchObject([
      { kind: 'close', shape: 'close', label: 'close 1000', actor: 'carol' },
    ]);
    // Bob's and Carol's connections sit in separate columns beside the server.
    expect(layout.bars[0]!.x).not.toBe(layout.bars[1]!.x);
  });

  it('marks errors, reconnect waits with their delay, deliveries and faults', () => {
    const index = new TraceIndex(
      trace(
        { kind: 'error', t: 10, details: { error: 'network down' } },
        { kind: 'reconnect-wait', t: 20, details: { delayMs: 500 } },
        { kind: 'reconnect', t: 520 },
        { kind: 'deliver', t: 600, messageIds: [3] },
        {
          kind: 'fault',
          t: 700,
          observer: 'server',
          actor: SERVER_ACTOR,
          details: { fault: 'drop', delayMs: 100 },
        },
      ),
    );
    const layout = layoutSequence(index, view);
    expect(layout.marks.map((m) => [m.shape, m.label])).toEqual([
      ['cross', 'network down'],
      ['wait', 'wait 500 ms'],
      ['dot', 'reconnect'],
      ['dot', '#3'],
    ]);
    expect(layout.marks[1]!.y2).toBeCloseTo(layout.y(520));
    expect(layout.bands).toMatchObject([
      { seq: 4, y1: layout.y(700), y2: layout.y(800), label: 'drop', placed: { text: 'drop' } },
    ]);
  });

  it('draws a lasting fault as a band from when it was set to when it was lifted, or to now', () => {
    const server = { observer: 'server' as const, actor: SERVER_ACTOR, conn: 'faults' };
    const index = new TraceIndex(
      trace(
        {
          ...server,
          kind: 'fault',
          t: -300,
          details: { fault: 'latency', faultPhase: 'start', note: 'added latency: up 200 ms' },
        },
        {
          ...server,
          kind: 'fault',
          t: 200,
          details: { fault: 'latency', faultPhase: 'end', note: 'added latency lifted' },
        },
        {
          ...server,
          kind: 'fault',
          t: 400,
          details: {
            fault: 'block-websockets',
            faultPhase: 'start',
            note: 'WebSocket upgrades blocked',
          },
        },
        { ...server, kind: 'fault', t: 1500, details: { fault: 'drop', note: 'dropped 2' } },
      ),
    );
    const layout = layoutSequence(index, { ...view, now: 900 });
    expect(layout.bands).toMatchObject([
      // Set before the window: still drawn, from above its top.
      {
        seq: 0,
        y1: layout.y(-300),
        y2: layout.y(200),
        label: 'added latency: up 200 ms · lasted 500 ms',
      },
      // Not lifted yet: to now.
      { seq: 2, y1: layout.y(400), y2: layout.y(900), label: 'WebSocket upgrades blocked' },
    ]);
    // The first band began above the view: its name stays at the view's top, where it can be read.
    expect(layout.bands[0]!.placed!.y).toBeGreaterThan(view.top);
    expect(layout.bands[0]!.placed!.y).toBeLessThan(layout.bands[0]!.y2);
  });

  it('adds what only the server sees: heartbeats and timeouts', () => {
    const index = new TraceIndex(
      trace(
        { kind: 'request', t: 0, dir: 'up', technique: 'websocket', conn: 'w' },
        {
          kind: 'ping',
          t: 100,
          dir: 'down',
          observer: 'server',
          actor: SERVER_ACTOR,
          peer: 'bob',
          technique: 'websocket',
          conn: 'w',
        },
        {
          kind: 'pong',
          t: 101,
          dir: 'up',
          observer: 'server',
          actor: SERVER_ACTOR,
          peer: 'bob',
          technique: 'websocket',
          conn: 'w',
        },
        {
          kind: 'timeout',
          t: 300,
          observer: 'server',
          actor: SERVER_ACTOR,
          peer: 'bob',
          conn: 'l',
          details: { delayMs: 300 },
        },
      ),
    );
    const layout = layoutSequence(index, view);
    expect(layout.arrows.map((a) => [a.kind, a.from, a.to, a.variant])).toEqual([
      ['request', 'bob', SERVER_ACTOR, 'upgrade'],
      ['ping', SERVER_ACTOR, 'bob', 'control'],
      ['pong', 'bob', SERVER_ACTOR, 'control'],
    ]);
    expect(layout.marks).toMatchObject([
      { kind: 'timeout', actor: SERVER_ACTOR, label: 'timeout after 300 ms' },
    ]);
  });

  it('windows: drops what is outside, keeps a span that crosses the window', () => {
    const events = trace(
      { kind: 'request', t: 0, dir: 'up', conn: 'long' },
      ...Array.from({ length: 50 }, (_, i) => ({
        kind: 'deliver' as const,
        t: 100 + i * 100,
        messageIds: [i + 1],
      })),
      {
        kind: 'response',
        t: 6000,
        dir: 'down',
        conn: 'long',
        empty: false,
        details: { status: 200 },
      },
    );
    const index = new TraceIndex(events);
    const layout = layoutSequence(index, { ...view, t0: 2000, t1: 3000 });
    expect(layout.marks.map((m) => m.label)).toEqual([
      '#20',
      '#21',
      '#22',
      '#23',
      '#24',
      '#25',
      '#26',
      '#27',
      '#28',
      '#29',
      '#30',
    ]);
    expect(layout.arrows).toEqual([]);
    expect(layout.bars.map((b) => b.conn)).toEqual(['long']);
    expect(layoutSequence(index, { ...view, t0: 7000, t1: 8000 }).bars).toEqual([]);
  });
});

describe('TraceIndex', () => {
  it('keeps time order when a server event arrives late, and finds spans by window', () => {
    const events = trace(
      { kind: 'request', t: 10, conn: 'a' },
      { kind: 'response', t: 20, conn: 'a' },
      { kind: 'request', t: 30, conn: 'b' },
      { kind: 'ping', t: 25, observer: 'server', actor: SERVER_ACTOR, peer: 'bob' },
    );
    const index = new TraceIndex(events);
    expect(index.events.map((e) => e.t)).toEqual([10, 20, 25, 30]);
    expect(index.between(15, 26).map((e) => e.t)).toEqual([20, 25]);
    expect(index.spans.overlapping(21, 29)).toEqual([]);
    expect(index.spans.overlapping(0, 100).map((s) => s.conn)).toEqual(['a', 'b']);
    expect(index.actors).toEqual(['bob']);
  });
});

describe('anchored layout', () => {
  it('keeps coordinates fixed as the window scrolls, and says how far to scroll', () => {
    const index = new TraceIndex(trace({ kind: 'request', t: 1500, dir: 'up' }));
    const a = layoutSequence(index, { ...view, t0: 1000, t1: 2000, anchor: 0 });
    const b = layoutSequence(index, { ...view, t0: 1200, t1: 2200, anchor: 0 });
    expect(a.arrows[0]!.y).toBe(b.arrows[0]!.y);
    expect(a.arrows[0]!.y - a.scrollY).toBeCloseTo(290);
    expect(b.arrows[0]!.y - b.scrollY).toBeCloseTo(190);
    expect(a.ticks[0]!.t).toBeGreaterThanOrEqual(1000);
  });

  it('spreads arrows a label apart on a lane, up to a limit, and never prints a label over another', () => {
    const index = new TraceIndex(
      trace(
        ...[0, 1, 2, 3, 4].map((t) => ({
          kind: 'request' as const,
          t,
          dir: 'up' as const,
          conn: `b${t}`,
        })),
        { kind: 'request', t: 1, dir: 'up', conn: 'c', actor: 'carol' },
      ),
    );
    const arrows = layoutSequence(index, view).arrows;
    const bob = arrows.filter((a) => a.from === 'bob');
    expect(bob.map((a) => Math.round(a.y - 40))).toEqual([0, 14, 28, 42, 44]);
    // The fifth has no room beside Bob's lane: it goes beside the server, or to hover.
    expect(bob.slice(0, 4).map((a) => a.placed?.anchor)).toEqual([
      'start',
      'start',
      'start',
      'start',
    ]);
    expect(bob[4]!.placed?.x ?? null).not.toBe(bob[0]!.placed!.x);
    // Another lane is not pushed by Bob's arrows.
    expect(arrows.find((a) => a.from === 'carol')).toMatchObject({ y: 40.5 });
  });
});

describe('readability', () => {
  it('keeps a response a label apart from its request when they are ms apart', () => {
    const index = new TraceIndex(
      trace(
        { kind: 'request', t: 100, dir: 'up', conn: 'p' },
        { kind: 'response', t: 101, dir: 'down', conn: 'p', empty: true, details: { status: 200 } },
      ),
    );
    const [request, response] = layoutSequence(index, view).arrows;
    expect(response!.y - request!.y).toBeCloseTo(14);
    expect(response!.placed !== null).toBe(true);
  });
});

describe('bundleArrows', () => {
  it('folds arrows the screen cannot show apart, keeping lone arrows as they are', () => {
    const events = trace(
      ...Array.from({ length: 40 }, (_, i) => ({
        kind: 'sse-event' as const,
        t: 500 + i * 0.1,
        dir: 'down' as const,
        technique: 'sse' as const,
        conn: 's',
        messageIds: [i + 1],
      })),
      { kind: 'sse-event', t: 900, dir: 'down', technique: 'sse', conn: 's', messageIds: [99] },
    );
    const arrows = layoutSequence(new TraceIndex(events), view).arrows;
    expect(arrows.reduce((n, a) => n + a.count, 0)).toBe(41);
    expect(arrows.length).toBeLessThan(10);
    // The first few are spread a label apart; the rest pile up at the spread limit and fold.
    expect(arrows.some((a) => a.count > 10)).toBe(true);
    expect(arrows.at(-1)).toMatchObject({ count: 1, label: 'id 99 · message' });
  });
});
