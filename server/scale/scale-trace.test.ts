/**
 * The Scaling lab's steps on the main lab's observer stream, over real sockets:
 * the balancer's routes, every gateway's own steps under its name, the broker's
 * publish and delivers (on the memory broker and on a real redis-server), the
 * scale faults, "k of n users moved", and nothing recorded while nobody watches.
 */
import { createClient } from 'redis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HashRing, movedKeys, type TraceEventInput } from '../../src/core';
import { ObserverStream } from '../observer-stream';
import type { TestSocket } from '../test/clients';
import { observeTrace, startApp, type Running } from '../test/helpers';
import { skipRedis, startRedisServer, type RedisServer } from '../test/redis-server';
import { waitFor } from '../test/wait-for';
import { landed, openWs } from './test-clients';
import type { TopologyChange, TopologyView } from './topology';

let lab: Running | null = null;
let redis: RedisServer | null = null;
const sockets: TestSocket[] = [];
const savedEnv = { ...process.env };

afterEach(async () => {
  vi.restoreAllMocks();
  process.env = { ...savedEnv };
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  await lab?.close();
  lab = null;
  await redis?.stop();
  redis = null;
});

async function call<T>(path: string, method = 'POST', body?: unknown): Promise<T> {
  const res = await fetch(`${lab!.base}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}`);
  return (await res.json()) as T;
}

/** A lab on a free port, an observer on its stream, and a topology of `gateways` on `broker`. */
async function start(
  broker: 'memory' | 'redis',
  gateways = 3,
  policy = 'consistent-hash',
): Promise<{ view: TopologyView; events: () => TraceEventInput[] }> {
  lab = await startApp();
  const { observer, events } = await observeTrace(lab);
  sockets.push(observer);
  const view = await call<TopologyView>('/api/scale', 'POST', { gateways, policy, broker });
  return { view, events };
}

/** Where `user` lands under consistent hashing over the gateways of `view`. */
function ringGateway(view: TopologyView, user: string): string {
  return new HashRing(view.gateways.map((g) => g.name)).lookup(user)!;
}

/** A message from alice through the balancer (`rid=p-1`); its id. */
async function send(port: number, text: string): Promise<number> {
  const res = await fetch(
    `http://127.0.0.1:${port}/api/channels/lobby/messages?client=alice&rid=p-1`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'alice', text }),
    },
  );
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

const of = (events: TraceEventInput[], match: Partial<TraceEventInput>): TraceEventInput[] =>
  events.filter((e) =>
    Object.entries(match).every(([key, value]) => e[key as keyof TraceEventInput] === value),
  );

describe.each(['memory', 'redis'] as const)('one message across gateways (%s broker)', (kind) => {
  it('is on the main lab stream: routes, gateway-1 publish, broker publish and delivers, gateway-2 ws-frame to bob', async (context) => {
    if (kind === 'redis') {
      if (skipRedis('the redis broker-step test')) return context.skip();
      redis = await startRedisServer();
      process.env.LAB_REDIS_URL = redis.url;
    }
    // Sticky places each new user round-robin: alice (her first poll) on gateway-1, bob on gateway-2.
    const { view, events } = await start(kind, 3, 'sticky');
    const port = view.balancer.port;
    const [from, to] = ['gateway-1', 'gateway-2'];
    expect(await landed(port, 'alice')).toBe(from);

    // What the broker really carries: the Redis pub/sub payload, read beside the gateways.
    const carried: string[] = [];
    const spy = redis === null ? null : createClient({ url: redis.url });
    if (spy !== null) {
      await spy.connect();
      await spy.pSubscribe('rl:scale:*ch:lobby', (payload) => carried.push(payload));
    }
    try {
      const bob = await openWs(port, 'bob');
      sockets.push(bob.socket);
      expect(bob.gateway).toBe(to);
      const id = await send(port, 'hello bob');
      await bob.socket.next((f) => f.type === 'message');
      await waitFor(
        () => of(events(), { kind: 'ws-frame', actor: to, peer: 'bob', dir: 'down' }).length > 0,
        3_000,
        `${to}'s ws-frame to bob`,
      );
      await waitFor(
        () => of(events(), { kind: 'deliver', actor: 'broker' }).length === 3,
        3_000,
        'a deliver to each of the three gateways',
      );
      const trace = events();

      const routes = of(trace, { kind: 'route', actor: 'balancer' });
      expect(routes.map((r) => `${r.peer}:${r.details?.gateway}`)).toEqual([
        `alice:${from}`,
        `bob:${to}`,
        `alice:${from}`,
      ]);
      expect(routes.find((r) => r.peer === 'bob')).toMatchObject({
        observer: 'server',
        technique: 'websocket',
        conn: 'w-bob',
        dir: 'up',
        details: {
          policy: 'sticky',
          routeKey: 'bob',
          gateway: to,
          url: '/api/channels/lobby/ws',
          note: `sticky: bob → ${to}`,
        },
      });
      expect(routes[0]).toMatchObject({ technique: 'short-poll', conn: 'balancer-1' });
      expect(routes[2]).toMatchObject({
        technique: null,
        conn: 'p-1',
        details: {
          policy: 'sticky',
          routeKey: 'alice',
          gateway: from,
          url: '/api/channels/lobby/messages',
        },
      });

      const gatewayPublish = of(trace, { kind: 'publish', observer: 'server', actor: from });
      expect(gatewayPublish).toHaveLength(1);
      expect(gatewayPublish[0]).toMatchObject({ peer: 'alice', conn: 'p-1', messageIds: [id] });

      const brokerSteps = of(trace, { observer: 'broker', actor: 'broker' });
      expect(brokerSteps.map((e) => e.kind)).toEqual(['publish', 'deliver', 'deliver', 'deliver']);
      const [published, ...delivers] = brokerSteps;
      expect(published).toMatchObject({
        technique: null,
        conn: 'broker:lobby',
        dir: 'up',
        peer: from,
        messageIds: [id],
        details: { from },
      });
      expect(delivers.map((d) => d.peer).sort()).toEqual(view.gateways.map((g) => g.name));
      for (const deliver of delivers)
        expect(deliver).toMatchObject({ dir: 'down', conn: 'broker:lobby', messageIds: [id] });
      // On the one clock, in order: the hand-over, then the deliveries.
      for (const deliver of delivers) expect(deliver.t).toBeGreaterThanOrEqual(published!.t);

      if (spy !== null) {
        await waitFor(() => carried.length === 1, 2_000, 'the pub/sub payload');
        expect(published!.bytes).toEqual({ header: 0, payload: Buffer.byteLength(carried[0]!) });
      } else {
        expect(published!.bytes?.header).toBe(0);
        expect(published!.bytes?.payload).toBeGreaterThan('hello bob'.length);
      }

      const toBob = of(trace, { kind: 'ws-frame', actor: to, peer: 'bob', dir: 'down' });
      const carrying = toBob.find((e) => e.messageIds?.includes(id));
      expect(carrying).toBeDefined();
      // On the stream in the order it happened: the broker hands it to gateway-2, which sends it to bob.
      const handed = delivers.find((d) => d.peer === to)!;
      expect(trace.indexOf(carrying!)).toBeGreaterThan(trace.indexOf(handed));
      expect(carrying!.t).toBeGreaterThanOrEqual(handed.t);
      expect(toBob[0]).toMatchObject({ observer: 'server', technique: 'websocket', conn: 'w-bob' });
    } finally {
      await spy?.quit();
    }
  }, 20_000);
});

describe('the scale faults on the main lab stream (memory broker)', () => {
  it('a kill is a gateway-killed start, a restart its end; with none up the route is refused', async () => {
    const { view, events } = await start('memory', 2, 'round-robin');
    const port = view.balancer.port;
    const bob = await openWs(port, 'bob');
    sockets.push(bob.socket);
    await call(`/api/scale/gateways/${bob.gateway}/kill`);
    await bob.socket.closed();
    const other = view.gateways.map((g) => g.name).find((name) => name !== bob.gateway)!;
    await call(`/api/scale/gateways/${other}/kill`);
    const refused = await fetch(
      `http://127.0.0.1:${port}/api/channels/lobby/long-poll?client=carol`,
    );
    expect(refused.status).toBe(503);
    await call(`/api/scale/gateways/${bob.gateway}/restart`);
    await call('/api/scale/broker', 'POST', { up: false });
    await call('/api/scale/broker', 'POST', { up: true });
    await waitFor(() => of(events(), { kind: 'fault' }).length === 5, 2_000, 'five fault steps');

    const faults = of(events(), { kind: 'fault', conn: 'scale-fault' });
    expect(faults.map((f) => [f.actor, f.details?.fault, f.details?.faultPhase])).toEqual([
      [bob.gateway, 'gateway-killed', 'start'],
      [other, 'gateway-killed', 'start'],
      [bob.gateway, 'gateway-restarted', 'end'],
      ['broker', 'broker-down', 'start'],
      ['broker', 'broker-up', 'end'],
    ]);
    for (const fault of faults)
      expect(fault).toMatchObject({ observer: 'server', technique: null });
    expect(faults[0]!.details?.note).toBe(
      `${bob.gateway} crashed: 1 proxied connection cut, no goodbyes`,
    );

    const carol = of(events(), { kind: 'route', peer: 'carol' });
    expect(carol).toHaveLength(1);
    expect(carol[0]).toMatchObject({
      technique: 'long-poll',
      conn: 'balancer-1',
      details: { policy: 'round-robin', routeKey: 'carol', errorCode: 'RL_ERR_NO_GATEWAY' },
    });
    expect(carol[0]!.details).not.toHaveProperty('gateway');
  }, 20_000);

  it('broker down: one publish note, a deliver to its own gateway, the others recovered on up; off: no broker steps', async () => {
    const { view, events } = await start('memory', 3, 'consistent-hash');
    const port = view.balancer.port;
    const home = ringGateway(view, 'alice');
    const others = view.gateways.map((g) => g.name).filter((name) => name !== home);
    await call('/api/scale/broker', 'POST', { up: false });
    const id = await send(port, 'during');
    const forId = (n: number) =>
      events().filter((e) => e.observer === 'broker' && e.messageIds?.[0] === n);
    await waitFor(() => forId(id).length === 2, 2_000, 'the publish and its one deliver');
    const [published, own] = forId(id);
    expect(published).toMatchObject({ kind: 'publish', peer: home });
    expect(published!.details?.note).toBe(
      `broker down: reached only ${home}; the history keeps it for the others`,
    );
    expect(own).toMatchObject({ kind: 'deliver', peer: home });
    expect(own!.details?.note).toBeUndefined();

    await call('/api/scale/broker', 'POST', { up: true });
    await waitFor(() => forId(id).length === 4, 2_000, 'the recovered delivers');
    const recovered = forId(id).slice(2);
    expect(recovered.map((e) => e.peer).sort()).toEqual(others);
    for (const deliver of recovered)
      expect(deliver).toMatchObject({
        kind: 'deliver',
        details: { note: 'recovered from history' },
      });

    await call('/api/scale/broker', 'POST', { off: true });
    const alone = await send(port, 'alone');
    await call('/api/scale/broker', 'POST', { off: false });
    const across = await send(port, 'across');
    await waitFor(() => forId(across).length === 4, 2_000, 'the publish after on and its delivers');
    expect(forId(alone)).toEqual([]);
    const faults = of(events(), { kind: 'fault', conn: 'scale-fault' });
    expect(faults.map((f) => [f.actor, f.details?.fault, f.details?.faultPhase])).toEqual([
      ['broker', 'broker-down', 'start'],
      ['broker', 'broker-up', 'end'],
      ['broker', 'broker-off', 'start'],
      ['broker', 'broker-on', 'end'],
    ]);
  }, 20_000);

  it('an add under consistent hashing moves the users movedKeys says, in the answer and the note', async () => {
    const { view, events } = await start('memory', 3, 'consistent-hash');
    const users = Array.from({ length: 12 }, (_, i) => `user-${i + 1}`);
    for (const user of users)
      expect(await landed(view.balancer.port, user)).toBe(ringGateway(view, user));
    const names = view.gateways.map((g) => g.name);
    const expected = movedKeys(names, [...names, 'gateway-4'], users);
    expect(expected.moved).toBeGreaterThan(0);
    expect(expected.moved).toBeLessThan(users.length);

    const added = await call<TopologyChange>('/api/scale/gateways');
    expect(added.gateways.map((g) => g.name)).toEqual([...names, 'gateway-4']);
    expect(added.moved).toEqual({ users: expected.moved, of: 12, policy: 'consistent-hash' });
    const removed = await call<TopologyChange>('/api/scale/gateways/gateway-2', 'DELETE');
    const back = movedKeys([...names, 'gateway-4'], ['gateway-1', 'gateway-3', 'gateway-4'], users);
    expect(removed.moved).toEqual({ users: back.moved, of: 12, policy: 'consistent-hash' });
    // A plain read of the topology carries no `moved`.
    expect(await call<TopologyView>('/api/scale', 'GET')).not.toHaveProperty('moved');

    await waitFor(() => of(events(), { kind: 'fault' }).length === 2, 2_000, 'two fault steps');
    const [add, remove] = of(events(), { kind: 'fault', conn: 'scale-fault' });
    expect(add).toMatchObject({
      actor: 'gateway-4',
      details: {
        fault: 'gateway-added',
        note: `gateway-4 added: ${expected.moved} of 12 users moved (consistent-hash)`,
      },
    });
    expect(add!.details).not.toHaveProperty('faultPhase');
    expect(remove).toMatchObject({
      actor: 'gateway-2',
      details: {
        fault: 'gateway-removed',
        note: `gateway-2 removed: ${back.moved} of 12 users moved (consistent-hash)`,
      },
    });
  }, 20_000);
});

describe('layer 7 without WebSocket support', () => {
  it('routes the upgrade as the plain GET it forwards, and says so', async () => {
    const { view, events } = await start('memory', 2, 'l7-no-upgrade');
    await expect(openWs(view.balancer.port, 'bob')).rejects.toThrow();
    await waitFor(() => of(events(), { kind: 'route' }).length === 1, 2_000, 'the route step');
    const [step] = of(events(), { kind: 'route' });
    expect(step).toMatchObject({
      peer: 'bob',
      technique: 'websocket',
      conn: 'w-bob',
      details: {
        policy: 'l7-no-upgrade',
        routeKey: 'bob',
        gateway: 'gateway-1',
        note: 'l7-no-upgrade: the Upgrade is not forwarded; bob → gateway-1 as a plain GET',
      },
    });
    expect(step!.details).not.toHaveProperty('errorCode');
  }, 20_000);
});

describe('while nobody watches the main lab', () => {
  it('records and serialises nothing; an observer then gets every step', async () => {
    const forward = vi.spyOn(ObserverStream.prototype, 'forward');
    const stringify = vi.spyOn(JSON, 'stringify');
    lab = await startApp();
    const view = await call<TopologyView>('/api/scale', 'POST', { gateways: 2, policy: 'sticky' });
    const port = view.balancer.port;
    expect(await landed(port, 'alice')).toBe('gateway-1');
    const bob = await openWs(port, 'bob');
    sockets.push(bob.socket);
    stringify.mockClear();
    await send(port, 'unseen');
    await bob.socket.next((f) => f.type === 'message');
    await call('/api/scale/gateways/gateway-2/kill');
    await call('/api/scale/gateways/gateway-2/restart');
    expect(forward).not.toHaveBeenCalled();
    // Nothing built a trace step: no stringify of a trace frame, nor of a message for its bytes.
    const traced = stringify.mock.calls.filter(([value]) => {
      const v = value as { type?: unknown; channel?: unknown } | null;
      return typeof v === 'object' && v !== null && (v.type === 'trace' || v.channel === 'lobby');
    });
    expect(traced).toEqual([]);

    const { observer, events } = await observeTrace(lab);
    sockets.push(observer);
    await send(port, 'seen');
    await waitFor(
      () => of(events(), { kind: 'deliver', observer: 'broker' }).length === 2,
      2_000,
      'the delivers once watched',
    );
    expect(forward).toHaveBeenCalled();
    expect(of(events(), { kind: 'route' }).length).toBeGreaterThan(0);
  }, 20_000);
});
