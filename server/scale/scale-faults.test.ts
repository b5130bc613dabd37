/**
 * The Scaling lab's faults over real sockets, through the topology's balancer, on the
 * memory broker and on a real redis-server (one suite, run for each): a gateway
 * killed during 1,000 messages, the layer-7 balancer that refuses WebSocket upgrades,
 * a broker-down window and the broker switched off, each against what docs/protocol.md ("Scaling lab") says.
 */
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TECHNIQUES, type BalancerPolicy } from '../../src/core';
import { startRedisServer, skipRedis, type RedisServer } from '../test/redis-server';
import { waitFor } from '../test/wait-for';
import { oneTo, startReceiver, type Receiver } from './resuming-clients';
import { openRedisSource } from './redis-source';
import { landed } from './test-clients';
import { Topology, type BrokerKind } from './topology';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Published {
  status: number;
  id?: number;
  code?: string;
}

/** One publish through the balancer as `user`. */
async function publish(
  port: number,
  channel: string,
  user: string,
  text: string,
): Promise<Published> {
  const res = await fetch(
    `http://127.0.0.1:${port}/api/channels/${channel}/messages?client=${user}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: user, text }),
    },
  );
  const body = (await res.json()) as { id?: number; code?: string };
  return { status: res.status, ...body };
}

/** The first `count` of u0, u1, … whose requests the balancer sends to a gateway `wanted` accepts. */
async function usersOn(
  port: number,
  wanted: (gateway: string) => boolean,
  count: number,
  prefix: string,
): Promise<string[]> {
  const users: string[] = [];
  for (let i = 0; users.length < count; i++) {
    if (i > 500) throw new Error(`no ${count} users land where wanted`);
    const user = `${prefix}${i}`;
    if (wanted((await landed(port, user)) ?? '')) users.push(user);
  }
  return users;
}

const brokers: BrokerKind[] = ['memory', 'redis'];

describe.each(brokers)('Scaling lab faults on the %s broker', (kind) => {
  const skipped = kind === 'redis' && skipRedis('the Scaling lab faults on Redis');
  let redis: RedisServer | null = null;
  let running: Topology | null = null;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    if (kind === 'redis' && !skipped) redis = await startRedisServer();
  });

  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.stop()));
    await running?.stop();
    running = null;
  });

  afterAll(async () => {
    await redis?.stop();
    redis = null;
  });

  async function start(gateways: number, policy: BalancerPolicy): Promise<Topology> {
    running = await Topology.start({
      gateways,
      policy,
      broker: kind,
      ...(redis === null ? {} : { redis: () => openRedisSource({ LAB_REDIS_URL: redis!.url }) }),
    });
    return running;
  }

  it.skipIf(skipped)(
    'a gateway killed during 1,000 messages: every technique gets 1…1000 exactly once, in order',
    async () => {
      const topology = await start(3, 'consistent-hash');
      const port = topology.view().balancer.port;
      const base = `http://127.0.0.1:${port}`;
      const doomed = 'gateway-2';
      // Receivers all on the gateway to be killed; senders elsewhere, so that no publish is lost with it.
      const [readers, senders] = [
        await usersOn(port, (g) => g === doomed, TECHNIQUES.length, 'r'),
        await usersOn(port, (g) => g !== doomed && g !== '', 5, 's'),
      ];
      TECHNIQUES.forEach((technique, i) =>
        receivers.push(startReceiver(technique, { base, channel: 'kill', user: readers[i]! })),
      );
      await waitFor(() => receivers.every((r) => r.landed.length > 0), 5_000, 'receivers to land');

      const total = 1_000;
      const started = Date.now();
      const ids: number[] = [];
      // Five senders side by side, each at most 50 a second (the gateways' publish rate):
      // at most 250 a second in all. A publish is awaited before the sender's next one.
      const send = async (sender: string, share: number[]): Promise<void> => {
        for (const n of share) {
          const due = started + (n - 1) * 4;
          if (due > Date.now()) await sleep(due - Date.now());
          let sent = await publish(port, 'kill', sender, `m${n}`);
          while (sent.status === 429) {
            await sleep(50);
            sent = await publish(port, 'kill', sender, `m${n}`);
          }
          expect(sent.status).toBe(201);
          ids.push(sent.id!);
        }
      };
      const sending = Promise.all(
        senders.map((sender, i) =>
          send(
            sender,
            oneTo(total).filter((n) => n % senders.length === i),
          ),
        ),
      );
      // Mid-way, with every receiver part-way through: crash the gateway holding them.
      await waitFor(
        () => ids.length >= total / 2 && receivers.every((r) => r.ids.length > 0),
        20_000,
        'half the messages delivered',
      );
      await topology.killGateway(doomed);
      await sending;
      expect([...ids].sort((a, b) => a - b)).toEqual(oneTo(total));
      await waitFor(
        () => receivers.every((r) => r.ids.length >= total),
        30_000,
        'every receiver to reach 1000',
      );
      await sleep(300);
      for (const receiver of receivers) {
        expect({ technique: receiver.technique, ids: receiver.ids }).toEqual({
          technique: receiver.technique,
          ids: oneTo(total),
        });
        // It was on the doomed gateway, and came back through the balancer on another one.
        expect(receiver.landed[0]).toBe(doomed);
        const after = receiver.landed.slice(receiver.landed.lastIndexOf(doomed) + 1);
        expect(after.length).toBeGreaterThan(0);
        expect(after.every((g) => g !== doomed && g.startsWith('gateway-'))).toBe(true);
      }
      // The streams lost their connection with the gateway and had to reconnect.
      for (const receiver of receivers.filter((r) => ['sse', 'websocket'].includes(r.technique)))
        expect(receiver.failures).toBeGreaterThan(0);
    },
    60_000,
  );

  it.skipIf(skipped)(
    'l7-no-upgrade: a WebSocket gets the gateway’s 426, never a 101, and the long poll through the balancer delivers',
    async () => {
      const topology = await start(2, 'l7-no-upgrade');
      const port = topology.view().balancer.port;
      const refused = await new Promise<{ status: number; gateway: string }>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/channels/l7/ws?client=bob`);
        ws.once('upgrade', () => reject(new Error('the upgrade went through (101)')));
        ws.once('unexpected-response', (req, res) => {
          resolve({
            status: res.statusCode ?? 0,
            gateway: String(res.headers['x-lab-gateway']),
          });
          req.destroy();
        });
        ws.on('error', () => undefined);
      });
      expect(refused.status).toBe(426);
      expect(refused.gateway).toMatch(/^gateway-[12]$/);

      // The fallback: Bob long-polls through the same balancer, and Alice's message reaches him.
      const held = fetch(
        `http://127.0.0.1:${port}/api/channels/l7/long-poll?since=0&timeout=10000&client=bob`,
      );
      await sleep(200);
      const sent = await publish(port, 'l7', 'alice', 'over the fallback');
      expect(sent).toMatchObject({ status: 201, id: 1 });
      const res = await held;
      expect(res.status).toBe(200);
      expect(res.headers.get('x-lab-gateway')).toMatch(/^gateway-[12]$/);
      const body = (await res.json()) as { messages: { id: number; text: string }[] };
      expect(body.messages.map((m) => [m.id, m.text])).toEqual([[1, 'over the fallback']]);
    },
    30_000,
  );

  it.skipIf(skipped)(
    'broker down: the publishing gateway delivers at once, the others only on up, exactly the missed ones in order',
    async () => {
      const topology = await start(3, 'consistent-hash');
      const port = topology.view().balancer.port;
      const base = `http://127.0.0.1:${port}`;
      const home = await landed(port, 'alice');
      // Bob on Alice's gateway; Carol (WebSocket) and Dave (SSE, away during the window) elsewhere.
      const [bob] = await usersOn(port, (g) => g === home, 1, 'b');
      const [carol, dave] = await usersOn(port, (g) => g !== home && g !== '', 2, 'c');
      const local = startReceiver('long-poll', { base, channel: 'down', user: bob! });
      const remote = startReceiver('websocket', { base, channel: 'down', user: carol! });
      const away = startReceiver('sse', { base, channel: 'down', user: dave! });
      receivers.push(local, remote, away);
      await waitFor(() => receivers.every((r) => r.landed.length > 0), 5_000, 'receivers to land');

      expect(await publish(port, 'down', 'alice', 'before')).toMatchObject({ status: 201, id: 1 });
      await waitFor(() => receivers.every((r) => r.ids.length === 1), 5_000, 'the first message');
      await away.stop();

      expect((await topology.setBrokerUp(false)).brokerUp).toBe(false);
      // The history is up: each publish gets its id, and Alice's own gateway hands it on at once.
      expect(await publish(port, 'down', 'alice', 'during 1')).toMatchObject({
        status: 201,
        id: 2,
      });
      expect(await publish(port, 'down', 'alice', 'during 2')).toMatchObject({
        status: 201,
        id: 3,
      });
      await waitFor(() => local.ids.length === 3, 5_000, 'the local receiver');
      await sleep(300);
      expect(local.ids).toEqual([1, 2, 3]);
      // Pub/sub alone: the other gateways missed both.
      expect(remote.ids).toEqual([1]);

      expect((await topology.setBrokerUp(true)).brokerUp).toBe(true);
      // Up: the other gateways read what they missed from the history, without a new publish.
      await waitFor(() => remote.ids.length >= 3, 5_000, 'the recovered messages');
      expect(await publish(port, 'down', 'alice', 'after')).toMatchObject({ status: 201, id: 4 });
      // Dave comes back after id 1 on his gateway, which filled the window from the history.
      const back = startReceiver('sse', { base, channel: 'down', user: dave!, after: 1 });
      receivers.push(back);
      await waitFor(
        () => [local, remote].every((r) => r.ids.length >= 4) && back.ids.length >= 3,
        10_000,
        'every message',
      );
      await sleep(200);
      expect(local.ids).toEqual([1, 2, 3, 4]);
      expect(remote.ids).toEqual([1, 2, 3, 4]);
      expect(back.ids).toEqual([2, 3, 4]);
      expect(back.landed[0]).not.toBe(home);
    },
    30_000,
  );

  it.skipIf(skipped)(
    'broker off: a message published while off never reaches another gateway, not even after on',
    async () => {
      const topology = await start(3, 'consistent-hash');
      const port = topology.view().balancer.port;
      const base = `http://127.0.0.1:${port}`;
      const home = await landed(port, 'alice');
      const [bob] = await usersOn(port, (g) => g === home, 1, 'b');
      const [carol, dave] = await usersOn(port, (g) => g !== home && g !== '', 2, 'c');
      const local = startReceiver('sse', { base, channel: 'off', user: bob! });
      const remote = startReceiver('websocket', { base, channel: 'off', user: carol! });
      receivers.push(local, remote);
      await waitFor(() => receivers.every((r) => r.landed.length > 0), 5_000, 'receivers to land');

      expect(await publish(port, 'off', 'alice', 'before')).toMatchObject({ status: 201, id: 1 });
      await waitFor(() => receivers.every((r) => r.ids.length === 1), 5_000, 'the first message');

      const off = await topology.setBrokerOff(true);
      expect(off).toMatchObject({ brokerOff: true, brokerUp: true });
      expect(await publish(port, 'off', 'alice', 'alone')).toMatchObject({ status: 201, id: 2 });
      await waitFor(() => local.ids.length === 2, 5_000, 'the local receiver');
      await sleep(300);
      expect(remote.ids).toEqual([1]);

      expect((await topology.setBrokerOff(false)).brokerOff).toBe(false);
      await sleep(300);
      expect(remote.ids).toEqual([1]);
      expect(await publish(port, 'off', 'alice', 'across')).toMatchObject({ status: 201, id: 3 });
      // A newcomer on another gateway, from the start: the history it is served lacks id 2 too.
      const late = startReceiver('long-poll', { base, channel: 'off', user: dave! });
      receivers.push(late);
      await waitFor(
        () => local.ids.length >= 3 && remote.ids.length >= 2 && late.ids.length >= 2,
        10_000,
        'the message after on',
      );
      await sleep(300);
      expect(local.ids).toEqual([1, 2, 3]);
      expect(remote.ids).toEqual([1, 3]);
      expect(late.ids).toEqual([1, 3]);
    },
    30_000,
  );
});
