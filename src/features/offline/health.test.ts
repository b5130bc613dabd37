import { describe, expect, it } from 'vitest';
import { checkHealth } from './health';

const answer = (status: number, body: string) => () =>
  Promise.resolve(new Response(body, { status, headers: { 'content-type': 'application/json' } }));

describe('checkHealth', () => {
  it('says up only for 200 {"ok":true}', async () => {
    expect(await checkHealth(answer(200, '{"ok":true}'))).toEqual({ status: 'up' });
  });

  it('says down, with what the request got, for anything else', async () => {
    expect(await checkHealth(answer(404, 'Not Found'))).toEqual({
      status: 'down',
      reason: 'a 404 answer',
    });
    expect(await checkHealth(answer(503, '{"ok":false}'))).toEqual({
      status: 'down',
      reason: 'a 503 answer',
    });
    // A static host's index page for every path: 200, but not the lab.
    expect(await checkHealth(answer(200, '<!doctype html><html></html>'))).toEqual({
      status: 'down',
      reason: 'a 200 answer without {"ok":true}',
    });
    expect(await checkHealth(answer(200, '{"ok":"yes"}'))).toMatchObject({ status: 'down' });
    expect(await checkHealth(() => Promise.reject(new TypeError('Failed to fetch')))).toEqual({
      status: 'down',
      reason: 'a network error (Failed to fetch)',
    });
  });

  it('gives up after its timeout, aborting the request', async () => {
    let signal: AbortSignal | undefined;
    const never = (_url: string, init: { signal: AbortSignal }) => {
      signal = init.signal;
      return new Promise<Response>((_resolve, reject) =>
        init.signal.addEventListener('abort', () =>
          reject(new DOMException('aborted', 'AbortError')),
        ),
      );
    };
    const started = performance.now();
    expect(await checkHealth(never, 50)).toEqual({
      status: 'down',
      reason: 'no answer within 0.05 s',
    });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(signal?.aborted).toBe(true);
  });

  it('asks GET /api/health, never from the cache', async () => {
    const asked: Array<[string, RequestCache]> = [];
    await checkHealth((url, init) => {
      asked.push([url, init.cache]);
      return answer(200, '{"ok":true}')();
    });
    expect(asked).toEqual([['/api/health', 'no-store']]);
  });
});
