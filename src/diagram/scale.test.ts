import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTraceFile, type TraceEvent } from '../core';
import { inspectStep } from './inspect';
import { estimateWidth, labelBox } from './labels';
import { placeLanes } from './lanes';
import { layoutSequence, type SequenceLayout, type SequenceWindow } from './layout';
import { scaleFault } from './scale';
import { SCALE_T0, scaleSyntheticTrace } from './scale-synthetic';
import type { Arrow, PlacedLabel } from './shapes';
import { ALL_STEPS, participantOf, stepOf } from './steps';
import { SERVER_ACTOR, TraceIndex } from './trace-index';

const trace = scaleSyntheticTrace();
const index = new TraceIndex(trace);
const timeView: SequenceWindow = {
  t0: SCALE_T0 - 10,
  t1: SCALE_T0 + 900,
  width: 1000,
  height: 900,
  top: 40,
  actors: ['alice', 'bob'],
};
const rowsView: SequenceWindow = { ...timeView, mode: 'rows', firstRow: 0 };

const seqOf = (find: (e: TraceEvent) => boolean): number => {
  const event = trace.find(find);
  expect(event, 'the synthetic trace has the step').toBeDefined();
  return event!.seq;
};

function arrowOf(layout: SequenceLayout, find: (e: TraceEvent) => boolean): Arrow {
  const seq = seqOf(find);
  const arrow = layout.arrows.find((a) => a.seq === seq);
  expect(arrow, `step #${seq} is drawn as an arrow`).toBeDefined();
  return arrow!;
}

/** Every label drawn, as the box its text covers; the pairs that overlap. */
function overlaps(layout: SequenceLayout): string[] {
  const boxes = [
    ...layout.arrows.map((a) => a.placed),
    ...layout.marks.map((m) => m.placed),
    ...layout.bands.map((b) => b.placed),
    ...layout.bars.map((b) => b.placed),
  ]
    .filter((p): p is PlacedLabel => p !== null)
    .map((p) => ({ text: p.text, box: labelBox(p, estimateWidth(p.text, p.fontSize)) }));
  const found: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!.box;
      const b = boxes[j]!.box;
      if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1)
        found.push(`${boxes[i]!.text} ⨯ ${boxes[j]!.text}`);
    }
  return found;
}

/** Arrows drawn on top of each other: less than a label apart and sharing a stretch of the width. */
function stacked(layout: SequenceLayout): string[] {
  const found: string[] = [];
  const span = (a: Arrow) => [Math.min(a.x1, a.x2), Math.max(a.x1, a.x2)] as const;
  for (const a of layout.arrows)
    for (const b of layout.arrows) {
      if (a.seq >= b.seq || Math.abs(a.y - b.y) >= 10) continue;
      const [a0, a1] = span(a);
      const [b0, b1] = span(b);
      if (a0 < b1 - 1 && b0 < a1 - 1) found.push(`${a.label} ⨯ ${b.label}`);
    }
  return found;
}

describe('the diagram of a Scaling lab trace', () => {
  const layout = layoutSequence(index, timeView);
  const x = new Map(layout.lanes.map((lane) => [lane.actor, lane.x]));
  const lane = (actor: string): number => x.get(actor)!;
  // Columns beside a lifeline: the sender's first (6 px out), the next receiver's 11 px further.
  const column = (at: string, n: number): number => lane(at) - (6 + 11 * n);

  it('puts the participants first, then the balancer, the gateways in number order and the broker', () => {
    expect(layout.lanes.map((l) => [l.actor, l.label, l.role])).toEqual([
      ['alice', 'Alice', 'client'],
      ['bob', 'Bob', 'client'],
      ['balancer', 'Balancer', 'server'],
      ['gateway-1', 'Gateway 1', 'server'],
      ['gateway-2', 'Gateway 2', 'server'],
      ['broker', 'Broker', 'server'],
    ]);
    const xs = layout.lanes.map((l) => l.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });

  it('orders gateway-2 before gateway-10, and lays a trace with no Scaling lab step out as before', () => {
    const gateways = new TraceIndex(
      ['gateway-10', 'gateway-2'].map((actor, seq): TraceEvent => ({
        seq,
        t: seq,
        observer: 'server',
        actor,
        peer: 'bob',
        technique: 'sse',
        conn: `c${seq}`,
        kind: 'sse-open',
        dir: 'down',
      })),
    );
    expect(gateways.scale.lanes).toEqual(['balancer', 'gateway-2', 'gateway-10', 'broker']);
    expect(gateways.actors).toEqual(['bob']);
    const single = placeLanes(['alice', 'bob'], undefined, 600);
    expect(single.actors).toEqual(['alice', SERVER_ACTOR, 'bob']);
    expect(single.server).toBe(SERVER_ACTOR);
    expect(single.lanes.map((l) => l.label)).toEqual(['Alice', 'Server', 'Bob']);
  });

  it('draws a client step between its lane and the balancer', () => {
    const request = arrowOf(
      layout,
      (e) => e.observer === 'client' && e.conn === 'alice-publish-1' && e.kind === 'request',
    );
    expect([request.from, request.to, request.x1, request.x2]).toEqual([
      'alice',
      'balancer',
      lane('alice'),
      column('balancer', 0),
    ]);
    const event = arrowOf(layout, (e) => e.observer === 'client' && e.kind === 'sse-event');
    expect([event.from, event.to, event.x1, event.x2]).toEqual([
      'balancer',
      'bob',
      column('balancer', 1),
      lane('bob'),
    ]);
  });

  it('draws a route from the balancer to the chosen gateway, where the connection’s bar is', () => {
    const alice = arrowOf(layout, (e) => e.kind === 'route' && e.conn === 'alice-publish-1');
    expect([alice.from, alice.to, alice.x1, alice.x2, alice.label]).toEqual([
      'balancer',
      'gateway-1',
      lane('balancer'),
      column('gateway-1', 0),
      '→ gateway-1',
    ]);
    const bob = arrowOf(layout, (e) => e.kind === 'route' && e.conn === 'bob-sse-1');
    expect([bob.to, bob.x2, bob.label]).toEqual([
      'gateway-2',
      column('gateway-2', 1),
      '→ gateway-2',
    ]);
    // The bars: Bob's stream beside gateway 2, Alice's publish beside gateway 1, the refused one at the balancer.
    const barX = Object.fromEntries(layout.bars.map((b) => [b.conn, b.x]));
    expect(barX).toEqual({
      'bob-sse-1': column('gateway-2', 1),
      'alice-publish-1': column('gateway-1', 0),
      'alice-publish-2': column('balancer', 0),
    });
  });

  it('draws the broker’s publish from the gateway that took it, and a deliver to each gateway', () => {
    const publish = arrowOf(layout, (e) => e.observer === 'broker' && e.kind === 'publish');
    expect([publish.from, publish.to, publish.x1, publish.x2, publish.label]).toEqual([
      'gateway-1',
      'broker',
      lane('gateway-1'),
      lane('broker'),
      'publish #1',
    ]);
    for (const gateway of ['gateway-1', 'gateway-2']) {
      const deliver = arrowOf(
        layout,
        (e) => e.observer === 'broker' && e.kind === 'deliver' && e.peer === gateway,
      );
      expect([deliver.from, deliver.to, deliver.x1, deliver.x2, deliver.count]).toEqual([
        'broker',
        gateway,
        lane('broker'),
        lane(gateway),
        1,
      ]);
    }
  });

  it('draws the gateway’s write to Bob from its column to the balancer, and its publish at its column', () => {
    const write = arrowOf(layout, (e) => e.actor === 'gateway-2' && e.kind === 'sse-event');
    expect([write.from, write.to, write.x1, write.x2, write.label]).toEqual([
      'gateway-2',
      'balancer',
      column('gateway-2', 1),
      lane('balancer'),
      '#1 → bob',
    ]);
    const publish = layout.marks.find(
      (m) => m.seq === seqOf((e) => e.actor === 'gateway-1' && e.kind === 'publish'),
    );
    expect(publish).toMatchObject({ actor: 'gateway-1', x: column('gateway-1', 0) });
    // Its answer to Alice's publish is the 201 the page draws: not a delivery.
    const answer = seqOf((e) => e.actor === 'gateway-1' && e.kind === 'response');
    expect(layout.arrows.some((a) => a.seq === answer)).toBe(false);
  });

  it('marks a refused route on the balancer’s lane', () => {
    const seq = seqOf((e) => e.kind === 'route' && e.details?.gateway === undefined);
    expect(layout.marks.find((m) => m.seq === seq)).toMatchObject({
      actor: 'balancer',
      x: lane('balancer'),
      shape: 'cross',
      label: 'refused: no gateway',
    });
    // Another refusal (an upgrade the policy will not carry) says only that it was refused.
    const upgrade = trace.find((e) => e.seq === seq)!;
    const other = new TraceIndex([
      { ...upgrade, seq: 0, details: { policy: 'l7-no-upgrade', routeKey: 'alice' } },
    ]);
    const laid = layoutSequence(other, { ...timeView, t0: upgrade.t - 10, t1: upgrade.t + 10 });
    expect(laid.marks.map((m) => [m.actor, m.label])).toEqual([['balancer', 'refused']]);
  });

  it('names the killed gateway’s band until its restart', () => {
    expect(layout.bands.map((b) => b.label)).toEqual(['gateway-1 killed · restarted after 400 ms']);
    const [band] = layout.bands;
    expect(band!.y2).toBeGreaterThan(band!.y1);
  });

  it('gives no two labels the same place, in either view and at any width', () => {
    for (const width of [600, 1000, 1400]) {
      for (const view of [timeView, rowsView]) {
        const laid = layoutSequence(index, { ...view, width });
        expect(overlaps(laid), `${view.mode ?? 'time'} at ${width}`).toEqual([]);
        if (width >= 1000) expect(laid.arrows.filter((a) => a.placed === null)).toEqual([]);
      }
    }
  });

  it('draws no arrow on top of another where the steps can be told apart', () => {
    // One row per step; to scale at 5 px a ms, where a message's hops come 2–5 px apart,
    // and at 1 px a ms, where its eight arrows fall within 15 px.
    const zoomed = { ...timeView, t0: SCALE_T0 + 190, t1: SCALE_T0 + 362 };
    for (const width of [600, 1000])
      for (const view of [rowsView, zoomed, timeView])
        expect(
          stacked(layoutSequence(index, { ...view, width })),
          `${view.mode ?? 'time'} at ${width}`,
        ).toEqual([]);
  });

  it('draws Bob’s receipt below the event that brought it, to scale too', () => {
    const arrow = arrowOf(layout, (e) => e.observer === 'client' && e.kind === 'sse-event');
    const receipt = layout.marks.find(
      (m) => m.seq === seqOf((e) => e.observer === 'client' && e.kind === 'deliver'),
    );
    expect(receipt!.y).toBeGreaterThan(arrow.y);
  });

  it('folds the sender’s routed publishes when only receivers are shown', () => {
    const laid = layoutSequence(index, {
      ...rowsView,
      filter: { receiversOnly: true, sender: 'alice' },
    });
    expect(laid.arrows.filter((a) => a.kind === 'route').map((a) => a.conn)).toEqual(['bob-sse-1']);
    expect(laid.arrows.some((a) => a.from === 'gateway-1' && a.to === 'broker')).toBe(true);
  });

  it('shows the route’s policy, key and gateway, and why a refused one was, in the inspector', () => {
    const chosen = inspectStep(
      index,
      seqOf((e) => e.kind === 'route' && e.peer === 'bob'),
      SCALE_T0,
    );
    expect(chosen?.title).toMatch(/^route · balancer · #/);
    expect(chosen?.rows).toEqual(
      expect.arrayContaining([
        ['policy', 'sticky'],
        ['routed by', 'user bob'],
        ['gateway', 'gateway-2'],
        ['why', 'sticky: bob → gateway-2'],
      ]),
    );
    const refused = inspectStep(
      index,
      seqOf((e) => e.kind === 'route' && e.details?.gateway === undefined),
      SCALE_T0,
    );
    expect(refused?.rows).toEqual(
      expect.arrayContaining([
        ['gateway', 'none: refused'],
        ['error code', 'RL_ERR_NO_GATEWAY'],
      ]),
    );
    const deliver = inspectStep(
      index,
      seqOf((e) => e.observer === 'broker' && e.kind === 'deliver' && e.peer === 'gateway-2'),
      SCALE_T0,
    );
    expect(deliver?.rows).toEqual(expect.arrayContaining([['to gateway', 'gateway-2']]));
  });

  it('is the trace of e2e/fixtures/scale-synthetic.json', () => {
    const file = parseTraceFile(
      JSON.parse(readFileSync('e2e/fixtures/scale-synthetic.json', 'utf8')) as unknown,
    );
    expect(file.events).toEqual(trace);
  });
});

describe('scaleFault', () => {
  const fault = (actor: string, details: TraceEvent['details']): TraceEvent => ({
    seq: 0,
    t: 0,
    observer: 'server',
    actor,
    technique: null,
    conn: 'scale-fault',
    kind: 'fault',
    dir: 'none',
    ...(details ? { details } : {}),
  });

  it('pairs a broker down with its up, and keeps an added gateway’s count without the policy', () => {
    const bands = new TraceIndex([
      { ...fault('broker', { fault: 'broker-down', faultPhase: 'start' }), seq: 0, t: 0 },
      {
        ...fault('gateway-4', {
          fault: 'gateway-added',
          note: 'gateway-4 added: 1 of 3 users moved (consistent-hash)',
        }),
        seq: 1,
        t: 500,
      },
      { ...fault('broker', { fault: 'broker-up', faultPhase: 'end' }), seq: 2, t: 1500 },
    ]).faults;
    expect(bands.map((b) => [b.label, b.start, b.end])).toEqual([
      ['broker down · up after 1.5 s', 0, 1500],
      ['gateway-4 added: 1 of 3 users moved', 500, 500],
    ]);
    expect(scaleFault(fault('gateway-2', { fault: 'gateway-removed' }))?.label).toBe(
      'gateway-2 removed',
    );
    expect(scaleFault(fault(SERVER_ACTOR, { fault: 'latency' }))).toBeNull();
  });
});

describe('the step table for a Scaling lab trace', () => {
  const gatewayStep = (e: Partial<TraceEvent> & Pick<TraceEvent, 'kind' | 'dir'>): TraceEvent => ({
    seq: 0,
    t: 0,
    observer: 'server',
    actor: 'gateway-3',
    peer: 'bob',
    technique: 'websocket',
    conn: 'bob-ws-1',
    ...e,
  });

  it('draws a gateway’s message frames and heartbeats, not its empty writes or a publish’s acknowledgement', () => {
    const frame = stepOf(
      gatewayStep({ kind: 'ws-frame', dir: 'down', messageIds: [4] }),
      ALL_STEPS,
    );
    expect(frame).toMatchObject({ shape: 'arrow', from: 'server', label: '#4 → bob' });
    expect(stepOf(gatewayStep({ kind: 'ping', dir: 'down' }), ALL_STEPS)).toMatchObject({
      shape: 'arrow',
      variant: 'control',
    });
    const ack = gatewayStep({
      kind: 'ws-frame',
      dir: 'down',
      messageIds: [4],
      peer: 'alice',
      details: { note: 'acknowledgement' },
    });
    expect(stepOf(ack, ALL_STEPS)).toBeNull();
    expect(stepOf(gatewayStep({ kind: 'ws-frame', dir: 'down' }), ALL_STEPS)).toBeNull();
    expect(stepOf(gatewayStep({ kind: 'sse-open', dir: 'down' }), ALL_STEPS)).toBeNull();
  });

  it('leaves the single server’s own writes to the client’s view, as before', () => {
    const server = gatewayStep({
      actor: SERVER_ACTOR,
      kind: 'ws-frame',
      dir: 'down',
      messageIds: [4],
    });
    expect(stepOf(server, ALL_STEPS)).toBeNull();
    expect(participantOf(server)).toBe('bob');
  });

  it('gives the broker’s steps to the broker’s lane, and a route with no user to the balancer’s', () => {
    const deliver: TraceEvent = {
      ...gatewayStep({ kind: 'deliver', dir: 'down', messageIds: [4] }),
      observer: 'broker',
      actor: 'broker',
      peer: 'gateway-3',
      conn: 'broker:lobby',
    };
    expect(participantOf(deliver)).toBe('broker');
    expect(stepOf(deliver, ALL_STEPS)).toMatchObject({
      shape: 'link',
      from: 'broker',
      to: 'gateway-3',
      label: '#4',
    });
    const route: TraceEvent = {
      ...gatewayStep({ kind: 'route', dir: 'up', details: { gateway: 'gateway-1', routeKey: '' } }),
      actor: 'balancer',
      conn: 'balancer-7',
    };
    delete route.peer;
    expect(participantOf(route)).toBe('balancer');
    expect(stepOf(route, ALL_STEPS)).toMatchObject({
      shape: 'link',
      to: 'gateway-1',
      label: '→ gateway-1',
    });
  });
});
