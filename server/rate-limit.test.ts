import { afterEach, describe, expect, it } from 'vitest';
import { WS_CLOSE } from '../src/core';
import { publisherKey, PublishRateLimiter } from './rate-limit';
import { observeTrace, startApp, type Running } from './test/helpers';
import { waitFor } from './test/wait-for';
import { TestSocket } from './test/clients';

describe('PublishRateLimiter (token bucket)', () => {
  it('lets a burst through, then the sustained rate, per key', () => {
    let now = 0;
    const limiter = new PublishRateLimiter(2, 3, () => now);
    for (let i = 0; i < 3; i++) expect(limiter.take('a')).toBeNull();
    const refused = limiter.take('a');
    expect(refused?.retryAfterMs).toBe(500);
    expect(refused?.error).toMatchObject({ code: 'RL_ERR_RATE_LIMITED', status: 429 });
    expect(refused?.error.message).toContain('2 a second with bursts of 3');
    // Another key has its own bucket.
    expect(limiter.take('b')).toBeNull();
    // 2 a second: one token every 500 ms.
    now = 499;
    expect(limiter.take('a')?.retryAfterMs).toBe(1);
    now = 500;
    expect(limiter.take('a')).toBeNull();
    expect(limiter.take('a')).not.toBeNull();
    // Never more than the burst, however long the pause.
    now = 60_000;
    for (let i = 0; i < 3; i++) expect(limiter.take('a')).toBeNull();
    expect(limiter.take('a')).not.toBeNull();
  });

  it('forgets buckets that have refilled', () => {
    let now = 0;
    const limiter = new PublishRateLimiter(10, 2, () => now);
    for (let i = 0; i < 100; i++) limiter.take(`client-${i}`);
    expect(limiter.size).toBe(100);
    now = 5_000;
    limiter.take('late');
    expect(limiter.size).toBe(1);
  });

  it('keys a publisher by its client label, else its address', () => {
    expect(publisherKey('alice', '127.0.0.1')).toBe('client:alice');
    expect(publisherKey(undefined, '127.0.0.1')).toBe('address:127.0.0.1');
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
