/**
 * Two full lab servers (gateways) on one broker, over real sockets: a message
 * published on one reaches a long poll, an SSE stream and a WebSocket held on the
 * other with the same id; ids stay one sequence per channel when both publish at
 * once; a receiver that leaves gateway 1 resumes on gateway 2 and misses nothing.
 * Once on a shared MemoryBus, once on a real redis-server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/core';
import { openSse, TestSocket, type SseReader } from '../test/clients';
import { publish, startApp, type Running } from '../test/helpers';
import { startRedisServer, skipRedis, type RedisServer } from '../test/redis-server';
import { waitFor } from '../test/wait-for';
import type { Broker } from './broker';
import { MemoryBroker, MemoryBus } from './memory-broker';
import { RedisBroker } from './redis-broker';

const TEST_TIMEOUT_MS = 30_000;
/** Far above what the tests publish: the rate limit is not under test here. */
const UNLIMITED = { publishRatePerSecond: 100_000, publishBurst: 100_000 };

type MakeBrokers = () => Promise<[Broker, Broker]>;

interface Gateways {
  g1: Running;
  g2: Running;
}

/** The ids of the messages a WebSocket has received so far (every `message` frame). */
function socketIds(socket: TestSocket): number[] {
  return socket.frames
    .filter((f): f is { type: 'message'; message: Message } => {
      return (f as { type?: string }).type === 'message';
    })
    .map((f) => f.message.id);
}

function sseIds(reader: SseReader): number[] {
  return reader
    .events()
    .filter((e) => e.id !== undefined && e.event !== 'heartbeat')
    .map((e) => Number(e.id));
}

/** Long polls from `since` until it has seen `lastId`; every id it received, in order. */
async function pollUntil(base: string, channel: string, since: number, lastId: number) {
  const ids: number[] = [];
  const deadline = Date.now() + TEST_TIMEOUT_MS;
  let after = since;
  while (after < lastId && Date.now() < deadline) {
    const res = await fetch(
      `${base}/api/channels/${channel}/long-poll?since=${after}&timeout=5000&client=poller`,
    );
    const body = (await res.json()) as { messages: Message[] };
    for (const message of body.messages) ids.push(message.id);
    after = body.messages.at(-1)?.id ?? after;
  }
  return ids;
}

/** Bob's socket and Carol's stream on `channel` of gateway `g` (optionally resuming after an id). */
async function openReceivers(g: Running, channel: string, after?: number) {
  const since = after === undefined ? '' : `&since=${after}`;
  const socket = await TestSocket.open(`${g.wsBase}/api/channels/${channel}/ws?client=bob${since}`);
  const headers: Record<string, string> =
    after === undefined ? {} : { 'last-event-id': String(after) };
  const sse = await openSse(`${g.base}/api/channels/${channel}/events?client=carol`, headers);
  return { socket, sse };
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

function gatewaySuite(kind: string, makeBrokers: MakeBrokers): void {
  describe(`two gateways on one ${kind} broker`, () => {
    let running: Gateways | undefined;
    let brokers: Broker[] = [];

    const start = async (): Promise<Gateways> => {
      brokers = await makeBrokers();
      const [b1, b2] = brokers as [Broker, Broker];
      const g1 = await startApp({ serverName: 'gateway-1', broker: b1, limits: UNLIMITED });
      const g2 = await startApp({ serverName: 'gateway-2', broker: b2, limits: UNLIMITED });
      running = { g1, g2 };
      return running;
    };

    afterEach(async () => {
      await running?.g1.close();
      await running?.g2.close();
      running = undefined;
      for (const broker of brokers) await broker.close();
      brokers = [];
    });

    it(
      'a message published on gateway 1 reaches a long poll, an SSE stream and a socket on gateway 2, with the same id',
      async () => {
        const { g1, g2 } = await start();
        const { socket, sse } = await openReceivers(g2, 'cross');
        const poll = pollUntil(g2.base, 'cross', 0, 1);
        await waitFor(() => g2.app.lab.stats().heldPolls === 1, 5_000, 'the held poll');

        const id = await publish(g1.base, 'cross', 'over the broker');
        expect(id).toBe(1);
        expect(await poll).toEqual([1]);
        const frame = await socket.next<{ message: Message }>((f) => f.type === 'message', 5_000);
        expect(frame.message).toMatchObject({ id: 1, text: 'over the broker', from: 'alice' });
        await waitFor(() => sseIds(sse.reader).length === 1, 5_000, 'the SSE event');
        expect(sseIds(sse.reader)).toEqual([1]);
        expect(g2.app.lab.hub.channel('cross').lastId).toBe(1);
        socket.close();
        sse.abort();

        // The lab closes only a broker it made: the one it was given still works after.
        await g2.close();
        expect((await brokers[1]!.publish('cross', { from: 'x', text: 'after' })).id).toBe(2);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'both gateways publishing at once (200 each) give one sequence: every receiver gets 1…400 once, in order',
      async () => {
        const { g1, g2 } = await start();
        const each = 200;
        const total = 2 * each;
        const receivers = await Promise.all(
          [g1, g2].map(async (g) => ({
            ...(await openReceivers(g, 'busy')),
            poll: pollUntil(g.base, 'busy', 0, total),
          })),
        );
        await waitFor(
          () => g1.app.lab.stats().heldPolls === 1 && g2.app.lab.stats().heldPolls === 1,
          5_000,
          'both held polls',
        );

        // Gateway 1 over HTTP, one after the other; gateway 2 over its socket, all at once.
        const overHttp = (async () => {
          const ids: number[] = [];
          for (let i = 0; i < each; i++) ids.push(await publish(g1.base, 'busy', `h${i}`));
          return ids;
        })();
        const publisher = await TestSocket.open(`${g2.wsBase}/api/channels/busy/ws?client=pub`);
        for (let i = 0; i < each; i++)
          publisher.send({ op: 'publish', text: `w${i}`, ref: `${i}` });
        const acks: number[] = [];
        for (let i = 0; i < each; i++) {
          const ack = await publisher.next<{ id: number }>(
            (f) => f.type === 'published' && f.ref === `${i}`,
            10_000,
          );
          acks.push(ack.id);
        }
        const httpIds = await overHttp;
        // Each publisher's ids grow in the order it published; together they are 1…400.
        expect(httpIds).toEqual([...httpIds].sort((a, b) => a - b));
        expect(acks).toEqual([...acks].sort((a, b) => a - b));
        expect([...httpIds, ...acks].sort((a, b) => a - b)).toEqual(range(1, total));

        for (const { socket, sse, poll } of receivers) {
          expect(await poll).toEqual(range(1, total));
          await waitFor(
            () => socketIds(socket).length >= total && sseIds(sse.reader).length >= total,
            10_000,
            'every message on the socket and the stream',
          );
          expect(socketIds(socket)).toEqual(range(1, total));
          expect(sseIds(sse.reader)).toEqual(range(1, total));
          socket.close();
          sse.abort();
        }
        publisher.close();
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'a receiver that leaves gateway 1 resumes on gateway 2 with since / Last-Event-ID and misses nothing',
      async () => {
        const { g1, g2 } = await start();
        const { socket, sse } = await openReceivers(g1, 'moving');
        for (let i = 1; i <= 10; i++) await publish(g1.base, 'moving', `m${i}`);
        expect(await pollUntil(g1.base, 'moving', 0, 10)).toEqual(range(1, 10));
        await waitFor(
          () => socketIds(socket).length === 10 && sseIds(sse.reader).length === 10,
          5_000,
          'the first ten on gateway 1',
        );
        const wsLast = socketIds(socket).at(-1)!;
        const sseLast = sseIds(sse.reader).at(-1)!;
        socket.close();
        sse.abort();

        // Published while they are between gateways; gateway 2 has never named the channel.
        for (let i = 11; i <= 15; i++) await publish(g1.base, 'moving', `m${i}`);
        expect(g2.app.lab.hub.channelNames()).not.toContain('moving');

        // The same last id for all three: each saw 1…10 on gateway 1.
        expect([wsLast, sseLast]).toEqual([10, 10]);
        const { socket: socket2, sse: sse2 } = await openReceivers(g2, 'moving', 10);
        const poll2 = pollUntil(g2.base, 'moving', 10, 20);
        for (let i = 16; i <= 20; i++) await publish(g2.base, 'moving', `m${i}`);

        expect(await poll2).toEqual(range(11, 20));
        await waitFor(
          () => socketIds(socket2).length >= 10 && sseIds(sse2.reader).length >= 10,
          5_000,
          'the rest on gateway 2',
        );
        expect(socketIds(socket2)).toEqual(range(11, 20));
        expect(sseIds(sse2.reader)).toEqual(range(11, 20));
        socket2.close();
        sse2.abort();
      },
      TEST_TIMEOUT_MS,
    );
  });
}

describe('a gateway whose broker is down', () => {
  let running: Running | undefined;
  afterEach(async () => running?.close());

  it('answers a publish 503 RL_ERR_BROKER_DOWN over HTTP and an error frame over its socket', async () => {
    const bus = new MemoryBus();
    const broker = new MemoryBroker(bus);
    running = await startApp({ serverName: 'gateway-1', broker });
    const socket = await TestSocket.open(`${running.wsBase}/api/channels/lobby/ws?client=bob`);
    bus.setUp(false);
    const res = await fetch(`${running.base}/api/channels/lobby/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'alice', text: 'lost' }),
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'RL_ERR_BROKER_DOWN' });
    socket.send({ op: 'publish', text: 'lost too', ref: 'a' });
    expect(await socket.next((f) => f.type === 'error')).toMatchObject({
      code: 'RL_ERR_BROKER_DOWN',
    });

    // Back up: the same socket publishes again, and the ids start where the broker's do.
    bus.setUp(true);
    socket.send({ op: 'publish', text: 'through', ref: 'b' });
    expect(await socket.next((f) => f.type === 'published' && f.ref === 'b')).toMatchObject({
      id: 1,
    });
    expect(running.app.lab.hub.channel('lobby').lastId).toBe(1);
    socket.close();
    await broker.close();
  });
});

gatewaySuite('memory', () => {
  const bus = new MemoryBus();
  return Promise.resolve([new MemoryBroker(bus), new MemoryBroker(bus)]);
});

if (skipRedis('the gateways-on-Redis tests')) {
  describe.skip('two gateways on one redis broker (LAB_SKIP_REDIS=1)', () => {
    it('needs a real redis-server', () => undefined);
  });
} else {
  let redis: RedisServer | undefined;
  let group = 0;

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  gatewaySuite('redis', async () => {
    if (!redis) throw new Error('redis-server did not start');
    group += 1;
    const options = { url: redis.url, prefix: `rl-gateways:${group}:` };
    return [await RedisBroker.connect(options), await RedisBroker.connect(options)];
  });
}
