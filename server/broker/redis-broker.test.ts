import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, LabError } from '../../src/core';
import { startRedisServer, skipRedis, type RedisServer } from '../test/redis-server';
import { waitFor } from '../test/wait-for';
import { subscribeFrom, type CatchUpReport } from './broker';
import { brokerContract } from './broker-contract';
import { RedisBroker } from './redis-broker';

if (skipRedis('the Redis broker tests')) {
  describe.skip('redis broker (LAB_SKIP_REDIS=1)', () => {
    it('needs a real redis-server', () => undefined);
  });
} else {
  let redis: RedisServer | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  const url = (): string => {
    if (!redis) throw new Error('redis-server did not start');
    return redis.url;
  };

  // Two brokers of one group on the same Redis stand for two gateways.
  brokerContract(
    'redis',
    ({ group, limits, now }) =>
      RedisBroker.connect({ url: url(), prefix: `rl-test:${group}:`, limits, now }),
    { redisUrl: url },
  );

  describe('redis broker', () => {
    it('keeps its keys under its prefix and bounds the stream with MAXLEN ~', async () => {
      const limits = { maxCount: 50, maxAgeMs: 60_000 };
      const broker = await RedisBroker.connect({ url: url(), prefix: 'rl-keys:', limits });
      const raw = createClient({ url: url() });
      await raw.connect();
      try {
        for (let i = 0; i < 600; i++) await broker.publish('room', { from: 'x', text: `${i}` });
        expect((await raw.keys('rl-keys:*')).sort()).toEqual([
          'rl-keys:id:room',
          'rl-keys:stream:room',
        ]);
        const length = await raw.xLen('rl-keys:stream:room');
        expect(length).toBeGreaterThanOrEqual(50);
        expect(length).toBeLessThan(600);
        const newest = await raw.xRevRange('rl-keys:stream:room', '+', '-', { COUNT: 1 });
        expect(newest?.[0]?.id).toBe('600-1');
      } finally {
        await raw.close();
        await broker.close();
      }
    });

    it('resumes through the stream after CLIENT KILL drops the subscriber mid-race', async () => {
      const prefix = 'rl-kill:';
      const [a, b, c] = await Promise.all(
        [0, 1, 2].map(() => RedisBroker.connect({ url: url(), prefix })),
      );
      try {
        const received: number[] = [];
        const reports: CatchUpReport[] = [];
        await subscribeFrom(c!, 'race', 0, (m) => received.push(m.id), {
          onCatchUp: (report) => reports.push(report),
        });
        let killed: Promise<void> | undefined;
        const run = async (broker: RedisBroker, from: string): Promise<void> => {
          for (let i = 0; i < 500; i++) {
            const { id } = await broker.publish('race', { from, text: `${i}` });
            if (id >= 400 && !killed) killed = c!.killSubscriberConnection();
          }
        };
        await Promise.all([run(a!, 'alice'), run(b!, 'bob')]);
        await killed;
        await waitFor(() => received.length >= 1000, 10_000, 'every message after the kill');
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(received).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
        // The first catch-up (from 0), then at least one after the kill, from the stream.
        expect(reports.length).toBeGreaterThanOrEqual(2);
        expect(reports.slice(1).some((r) => r.after >= 400 - 2)).toBe(true);
        if (process.env.LAB_BROKER_FIGURES === '1') console.log('redis kill', reports);
      } finally {
        await Promise.all([a!.close(), b!.close(), c!.close()]);
      }
    });

    it('rejects publish and since with RL_ERR_BROKER_DOWN once its Redis is gone', async () => {
      const own = await startRedisServer();
      const broker = await RedisBroker.connect({ url: own.url, prefix: 'rl-gone:' });
      try {
        await broker.publish('room', { from: 'x', text: 'before' });
        await own.stop();
        const codeOf = (promise: Promise<unknown>): Promise<unknown> =>
          promise.then(
            () => 'resolved',
            (e: unknown) => (e instanceof LabError ? e.code : e),
          );
        await waitFor(
          async () =>
            (await codeOf(broker.publish('room', { from: 'x', text: 'y' }))) !== 'resolved',
          5_000,
          'the broker to notice Redis is gone',
        );
        expect(await codeOf(broker.publish('room', { from: 'x', text: 'z' }))).toBe(
          ERROR_CODES.BROKER_DOWN,
        );
        expect(await codeOf(broker.since('room', 0))).toBe(ERROR_CODES.BROKER_DOWN);
      } finally {
        await broker.close();
        await own.stop();
      }
    });

    it('rejects RL_ERR_BROKER_DOWN when no Redis answers', async () => {
      const error = await RedisBroker.connect({
        url: 'redis://127.0.0.1:1',
        connectTimeoutMs: 300,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error instanceof LabError && error.code).toBe(ERROR_CODES.BROKER_DOWN);
    });
  });
}
