import { afterEach, describe, expect, it } from 'vitest';
import { WS_CLOSE } from '../src/core';
import { publisherBuckets, publisherKey, PublishRateLimiter } from './rate-limit';
import { observeTrace, startApp, type Running } from './test/helpers';
import { waitFor } from './test/wait-for';
import { TestSocket } from './test/clients';

describe('PublishRateLimiter (token bucket)', () => {
  it('lets a burst through, then the sustained rate, per key', () => {
    let now = 0;
    const limiter = new PublishRateLimiter(
      { ratePerSecond: 2, burst: 3 },
      { ratePerSecond: 100, burst: 100 },
      () => now,
    );
    const a = publisherKey('a', '127.0.0.1');
    const b = publisherKey('b', '127.0.0.1');
    for (let i = 0; i < 3; i++) expect(limiter.take(a)).toBeNull();
    const refused = limiter.take(a);
    expect(refused?.retryAfterMs).toBe(500);
    expect(refused?.error).toMatchObject({ code: 'RL_ERR_RATE_LIMITED', status: 429 });
    expect(refused?.error.message).toContain('2 a second with bursts of 3');
    // Another client has its own bucket.
    expect(limiter.take(b)).toBeNull();
    // 2 a second: one token every 500 ms.
    now = 499;
    expect(limiter.take(a)?.retryAfterMs).toBe(1);
    now = 500;
    expect(limiter.take(a)).toBeNull();
    expect(limiter.take(a)).not.toBeNull();
    // Never more than the burst, however long the pause.
    now = 60_000;
    for (let i = 0; i < 3; i++) expect(limiter.take(a)).toBeNull();
    expect(limiter.take(a)).not.toBeNull();
  });

  it('forgets buckets that have refilled', () => {
    let now = 0;
    const limiter = new PublishRateLimiter(
      { ratePerSecond: 10, burst: 2 },
      { ratePerSecond: 10, burst: 1_000 },
      () => now,
    );
    for (let i = 0; i < 100; i++) limiter.take(publisherKey(`client-${i}`, '127.0.0.1'));
    // 100 clients and their one address.
    expect(limiter.size).toBe(101);
    now = 500_000;
    limiter.take(publisherKey('late', '127.0.0.2'));
    expect(limiter.size).toBe(2);
  });

  it('limits the address whatever the label: a new label per publish gains nothing', () => {
    let now = 0;
    const limiter = new PublishRateLimiter(
      { ratePerSecond: 2, burst: 3 },
      { ratePerSecond: 5, burst: 10 },
      () => now,
    );
    let through = 0;
    for (let i = 0; i < 500; i++) if (!limiter.take(publisherKey(`c-${i}`, '10.0.0.1'))) through++;
    expect(through).toBe(10);
    const refused = limiter.take(publisherKey('fresh', '10.0.0.1'));
    expect(refused?.retryAfterMs).toBe(200);
    expect(refused?.error.message).toContain('5 a second with bursts of 10 per address');
    // Another address has its own budget; the unlabelled client is the address itself.
    for (let i = 0; i < 3; i++)
      expect(limiter.take(publisherKey(undefined, '10.0.0.2'))).toBeNull();
    expect(limiter.take(publisherKey(undefined, '10.0.0.2'))?.error.message).toContain(
      'per client',
    );
    now = 200;
    expect(limiter.take(publisherKey('fresh', '10.0.0.1'))).toBeNull();
  });

  it('keys a publisher by its address, and its label inside it', () => {
    expect(publisherBuckets(publisherKey('alice', '127.0.0.1'))).toEqual({
      address: 'address:127.0.0.1',
      client: 'client:alice@127.0.0.1',
    });
    expect(publisherBuckets(publisherKey(undefined, '127.0.0.1'))).toEqual({
      address: 'address:127.0.0.1',
      client: 'client@127.0.0.1',
    });
  });
});

function post(base: string, query = '', text = 'hi'): Promise<Response> {
  return fetch(`${base}/api/channels/lobby/messages${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'alice', text }),
  });
}

describe('publish rate limit on a live server', () => {
  let running: Running;
  afterEach(async () => running?.close());

  it('HTTP: over the limit → 429 with Retry-After and a JSON error; per client label, else per address', async () => {
    running = await startApp({ limits: { publishRatePerSecond: 2, publishBurst: 3 } });
    const { base, app } = running;
    for (let i = 0; i < 3; i++) expect((await post(base, '?client=alice')).status).toBe(201);
    const refused = await post(base, '?client=alice');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await refused.json()).toMatchObject({ code: 'RL_ERR_RATE_LIMITED' });
    expect(app.lab.hub.channel('lobby').lastId).toBe(3);

    // Bob has a bucket of his own; so has the unlabelled address.
    expect((await post(base, '?client=bob')).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await post(base)).status).toBe(201);
    expect((await post(base)).status).toBe(429);

    // Refilled at 2 a second: one more after half a second.
    await new Promise((resolve) => setTimeout(resolve, 550));
    expect((await post(base, '?client=alice')).status).toBe(201);
    expect((await post(base, '?client=alice')).status).toBe(429);
    // Reading is never limited.
    expect((await fetch(`${base}/api/channels/lobby/messages?client=alice`)).status).toBe(200);
  });

  it('WebSocket: the publish over the limit gets an error frame, then close 1008 with a reason', async () => {
    running = await startApp({ limits: { publishRatePerSecond: 1, publishBurst: 2 } });
    const { wsBase, app } = running;
    const { events } = await observeTrace(running);
    const socket = await TestSocket.open(`${wsBase}/api/channels/lobby/ws?client=alice&rid=fast`);
    let reason = '';
    socket.ws.on('close', (_code, why) => (reason = why.toString()));
    for (const ref of ['1', '2', '3', '4']) socket.send({ op: 'publish', text: ref, ref });
    expect(await socket.next((f) => f.type === 'published' && f.ref === '1')).toBeTruthy();
    expect(await socket.next((f) => f.type === 'published' && f.ref === '2')).toBeTruthy();
    expect(await socket.next((f) => f.type === 'error')).toMatchObject({
      code: 'RL_ERR_RATE_LIMITED',
    });
    expect(await socket.closed()).toBe(WS_CLOSE.policyViolation);
    expect(reason).toBe('publish rate limit: 1/s, burst 2');
    // The fourth frame came after the refusal: not acted on.
    expect(app.lab.hub.channel('lobby').lastId).toBe(2);
    await waitFor(() => app.lab.stats().sockets === 0);
    await waitFor(() => events().some((e) => e.conn === 'fast' && e.kind === 'close'));
    const fast = events().filter((e) => e.conn === 'fast');
    expect(fast.find((e) => e.kind === 'error')?.details).toMatchObject({
      errorCode: 'RL_ERR_RATE_LIMITED',
      closeCode: 1008,
    });
    expect(fast.find((e) => e.kind === 'close')?.details?.closeCode).toBe(1008);

    // HTTP and WebSocket share a client's bucket: alice is still out of tokens.
    expect((await post(running.base, '?client=alice')).status).toBe(429);
  });

  it('500 publishes with 500 client labels from one address are limited at the address (defaults)', async () => {
    running = await startApp();
    const { base, app } = running;
    const started = performance.now();
    const statuses: number[] = [];
    let refusal: unknown;
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => post(base, `?client=flood-${batch * 50 + i}`)),
      );
      for (const answer of answers) {
        statuses.push(answer.status);
        if (answer.status === 429) refusal = await answer.json();
        else await answer.arrayBuffer();
      }
    }
    const elapsedS = (performance.now() - started) / 1000;
    const through = statuses.filter((s) => s === 201).length;
    expect(statuses.filter((s) => s !== 201 && s !== 429)).toEqual([]);
    // The address's burst (200) and what its rate (100/s) refilled meanwhile, no more.
    expect(through).toBeGreaterThanOrEqual(200);
    expect(through).toBeLessThanOrEqual(200 + Math.ceil(100 * elapsedS) + 1);
    expect(through).toBeLessThan(500);
    expect(refusal).toMatchObject({ code: 'RL_ERR_RATE_LIMITED' });
    expect(String((refusal as { error: string }).error)).toContain('per address');
    expect(app.lab.hub.channel('lobby').lastId).toBe(through);
  });

  it('the labels of one address share its budget across HTTP and WebSocket', async () => {
    running = await startApp({
      limits: {
        publishRatePerSecond: 1,
        publishBurst: 3,
        publishRatePerAddress: 1,
        publishBurstPerAddress: 4,
      },
    });
    const { base, wsBase } = running;
    const socket = await TestSocket.open(`${wsBase}/api/channels/lobby/ws?client=alice`);
    for (const ref of ['1', '2', '3']) socket.send({ op: 'publish', text: ref, ref });
    for (const ref of ['1', '2', '3'])
      expect(await socket.next((f) => f.type === 'published' && f.ref === ref)).toBeTruthy();
    // Bob's own bucket is full, but the address has one token left.
    expect((await post(base, '?client=bob')).status).toBe(201);
    const refused = await post(base, '?client=carol');
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: 'RL_ERR_RATE_LIMITED' });
    expect((await post(base)).status).toBe(429);
    socket.close();
  });

  it('server-played schedules are not limited', async () => {
    running = await startApp({ limits: { publishRatePerSecond: 1, publishBurst: 1 } });
    const { base, app } = running;
    const res = await fetch(`${base}/api/channels/ticker/schedule`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rate: 50, count: 20, pattern: 'steady' }),
    });
    expect(res.status).toBe(201);
    await waitFor(() => app.lab.hub.channel('ticker').lastId === 20, 3_000, 'all 20 published');
  });
});
