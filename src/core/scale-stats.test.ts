import { describe, expect, it } from 'vitest';
import { HashRing } from './hash-ring';
import {
  connectionsPerGateway,
  movedSentence,
  movedUsers,
  placementOf,
  scaleStats,
  type RegistryEntry,
} from './scale-stats';
import type { TraceEvent } from './trace';

let seq = 0;
function step(partial: Partial<TraceEvent> & Pick<TraceEvent, 'kind' | 'actor'>): TraceEvent {
  return {
    seq: seq++,
    t: 0,
    observer: 'client',
    technique: 'websocket',
    conn: 'c',
    dir: 'none',
    ...partial,
  };
}

/** Alice publishes id through `took`; the broker hands it on; `gave` carries it down to Bob. */
function crossing(id: number, took: string, gave: string, sentAt: number, receivedAt: number) {
  return [
    step({ kind: 'publish', actor: 'alice', dir: 'up', messageIds: [id], t: sentAt }),
    step({ kind: 'publish', actor: took, observer: 'server', peer: 'alice', messageIds: [id] }),
    step({
      kind: 'publish',
      actor: 'broker',
      observer: 'broker',
      technique: null,
      conn: 'broker:lobby',
      dir: 'up',
      peer: took,
      messageIds: [id],
      bytes: { header: 0, payload: 40 },
      details: { from: took },
    }),
    step({
      kind: 'deliver',
      actor: 'broker',
      observer: 'broker',
      technique: null,
      conn: 'broker:lobby',
      dir: 'down',
      peer: took,
      messageIds: [id],
    }),
    step({
      kind: 'deliver',
      actor: 'broker',
      observer: 'broker',
      technique: null,
      conn: 'broker:lobby',
      dir: 'down',
      peer: gave,
      messageIds: [id],
    }),
    step({
      kind: 'ws-frame',
      actor: gave,
      observer: 'server',
      dir: 'down',
      peer: 'bob',
      messageIds: [id],
    }),
    step({
      kind: 'deliver',
      actor: 'bob',
      dir: 'down',
      messageIds: [id],
      t: receivedAt,
      details: { sentAt },
    }),
  ];
}

describe('scaleStats', () => {
  it('counts a delivery by another gateway than the one that took the message as crossing', () => {
    const stats = scaleStats([
      ...crossing(1, 'gateway-1', 'gateway-2', 100, 130),
      ...crossing(2, 'gateway-1', 'gateway-1', 200, 210),
    ]);
    expect(stats.crossGateway).toBe(1);
    expect(stats.sameGateway).toBe(1);
    expect(stats.latencyAcross.p50).toBe(30);
    expect(stats.latencyOneGateway.p50).toBe(10);
    expect(stats.latencyAcross.count).toBe(1);
  });

  it('counts the broker’s messages once per id, its bytes, and each hand-off', () => {
    const events = crossing(7, 'gateway-2', 'gateway-3', 0, 5);
    const again = events.filter((e) => e.observer === 'broker' && e.kind === 'publish');
    const stats = scaleStats([...events, ...again]);
    expect(stats.brokerMessages).toBe(1);
    expect(stats.brokerBytes).toBe(40);
    expect(stats.brokerDeliveries).toBe(2);
  });

  it('counts a receiver’s copy once: a duplicate or a second deliver step adds nothing', () => {
    const events = crossing(3, 'gateway-1', 'gateway-2', 0, 9);
    const bob = events.at(-1)!;
    const stats = scaleStats([
      ...events,
      { ...bob, seq: 99 },
      { ...bob, seq: 100, details: { duplicate: true } },
    ]);
    expect(stats.crossGateway).toBe(1);
    expect(stats.latencyAcross.count).toBe(1);
  });

  it('falls back to the balancer’s route step, then to the registry, for who gave and who took', () => {
    const publish = step({ kind: 'publish', actor: 'alice', dir: 'up', messageIds: [4], t: 0 });
    const route = step({
      kind: 'route',
      actor: 'balancer',
      observer: 'server',
      peer: 'bob',
      dir: 'up',
      details: { gateway: 'gateway-3', policy: 'sticky', routeKey: 'bob' },
    });
    const deliver = step({
      kind: 'deliver',
      actor: 'bob',
      messageIds: [4],
      t: 5,
      details: { sentAt: 0 },
    });
    const placement = new Map([
      ['alice', 'gateway-1'],
      ['bob', 'gateway-1'],
    ]);
    // The route step says Bob was on gateway 3 when he got it: it beats the registry.
    expect(scaleStats([publish, route, deliver], placement).crossGateway).toBe(1);
    // Without it, the registry puts both on gateway 1.
    expect(scaleStats([publish, deliver], placement)).toMatchObject({
      crossGateway: 0,
      sameGateway: 1,
    });
    // With neither, the delivery is not classed at all.
    expect(scaleStats([publish, deliver])).toMatchObject({ crossGateway: 0, sameGateway: 0 });
  });

  it('ignores the balancer and other non-gateway server actors as carriers', () => {
    const events = crossing(5, 'gateway-1', 'gateway-1', 0, 1).map((e) =>
      e.kind === 'ws-frame' ? { ...e, actor: 'server-1' } : e,
    );
    const placement = new Map([['bob', 'gateway-2']]);
    expect(scaleStats(events, placement).crossGateway).toBe(1);
  });
});

describe('the registry', () => {
  const registry: RegistryEntry[] = [
    { user: 'alice', technique: 'websocket', gateway: 'gateway-1', conn: 'alice-1' },
    { user: 'bob', technique: 'websocket', gateway: 'gateway-2', conn: 'bob-1' },
    { user: 'bob', technique: 'websocket', gateway: 'gateway-3', conn: 'bob-2' },
    { user: null, technique: null, gateway: 'gateway-2', conn: null },
  ];

  it('places each user on their first connection’s gateway', () => {
    expect([...placementOf(registry)]).toEqual([
      ['alice', 'gateway-1'],
      ['bob', 'gateway-2'],
    ]);
  });

  it('counts open connections per gateway, listing idle gateways with 0', () => {
    expect(
      Object.fromEntries(connectionsPerGateway(registry, ['gateway-1', 'gateway-2', 'gateway-4'])),
    ).toEqual({ 'gateway-1': 1, 'gateway-2': 2, 'gateway-3': 1, 'gateway-4': 0 });
  });
});

describe('movedUsers', () => {
  const before = ['gateway-1', 'gateway-2', 'gateway-3'];
  const after = [...before, 'gateway-4'];
  const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'];
  const registry: RegistryEntry[] = users.map((user) => ({
    user,
    technique: 'sse',
    gateway: 'gateway-1',
    conn: `${user}-1`,
  }));

  it('counts the users whose place on the ring changes, each user once', () => {
    const was = new HashRing(before);
    const is = new HashRing(after);
    const expected = users.filter((u) => was.lookup(u) !== is.lookup(u)).length;
    const twice = [...registry, ...registry];
    expect(movedUsers(before, after, twice)).toEqual({ moved: expected, total: users.length });
    // Only users who went to the new gateway move under consistent hashing.
    for (const u of users)
      if (was.lookup(u) !== is.lookup(u)) expect(is.lookup(u)).toBe('gateway-4');
  });

  it('prefers the server’s count when it gave one', () => {
    expect(movedUsers(before, after, registry, { moved: 2, total: 9 })).toEqual({
      moved: 2,
      total: 9,
    });
  });

  it('says it in a sentence', () => {
    expect(movedSentence({ moved: 1, total: 3 })).toBe('1 of 3 users moved');
    expect(movedSentence({ moved: 0, total: 1 })).toBe('0 of 1 user moved');
  });
});
