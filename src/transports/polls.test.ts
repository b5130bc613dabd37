import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seededRandom } from '../core';
import { DEFAULT_KNOBS } from './types';
import { ANSWER_MARGIN_MS, LongPollTransport } from './long-poll';
import { ShortPollTransport } from './short-poll';
import { fakeFetch, json, message, never, options, recorder } from './test/fakes';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('ShortPollTransport', () => {
  it('polls with labels, traces request/response/deliver and de-duplicates by id', async () => {
    const answers = [
      { messages: [message(1), message(2)], lastId: 2 },
      { messages: [message(2), message(3)], lastId: 3 },
      { messages: [], lastId: 3 },
    ];
    const f = fakeFetch(() => json(answers.shift() ?? { messages: [], lastId: 3 }));
    vi.stubGlobal('fetch', f.fetch);
    const r = recorder();
    const t = new ShortPollTransport(
      options(r, { knobs: { ...options(r).knobs, pollIntervalMs: 1000 } }),
    );
    t.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(f.calls).toHaveLength(1);
    const first = new URL(f.calls[0]!.url);
    expect(first.pathname).toBe('/api/channels/lobby/messages');
    expect(first.searchParams.get('since')).toBe('0');
    expect(first.searchParams.get('client')).toBe('bob');
    expect(first.searchParams.get('rid')).toMatch(/^bob-short-poll-\d+$/);
    expect(t.state).toBe('waiting');

    // Nothing before the interval has passed since the end of the poll.
    await vi.advanceTimersByTimeAsync(999);
    expect(f.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(f.calls).toHaveLength(2);
    expect(new URL(f.calls[1]!.url).searchParams.get('since')).toBe('2');
    await vi.advanceTimersByTimeAsync(1000);
    expect(f.calls).toHaveLength(3);

    const responses = r.of('response');
    expect(responses.map((e) => e.empty)).toEqual([false, false, true]);
    expect(responses[0]!.messageIds).toEqual([1, 2]);
    expect(responses[0]!.details?.status).toBe(200);
    expect(responses[0]!.bytes?.payload).toBeGreaterThan(0);
    const delivers = r.of('deliver');
    expect(delivers.map((e) => [e.messageIds?.[0], e.details?.duplicate ?? false])).toEqual([
      [1, false],
      [2, false],
      [2, true],
      [3, false],
    ]);
    expect(delivers[0]!.details?.sentAt).toBe(999_001);
    expect(r.messages.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(r.of('request')[0]!.dir).toBe('up');
    expect(r.events.every((e) => e.observer === 'client' && e.technique === 'short-poll')).toBe(
      true,
    );

    t.stop();
    expect(t.state).toBe('closed');
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(f.calls).toHaveLength(3);
  });

  it('stop() aborts a poll in flight and traces its close', async () => {
    const f = fakeFetch(() => never());
    vi.stubGlobal('fetch', f.fetch);
    const r = recorder();
    const t = new ShortPollTransport(options(r));
    t.start();
    t.start(); // idempotent
    await vi.advanceTimersByTimeAsync(0);
    expect(f.calls).toHaveLength(1);
    t.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(r.kinds()).toEqual(['request', 'close']);
    expect(r.of('close')[0]!.conn).toBe(r.of('request')[0]!.conn);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a sender opens nothing and publishes with POST, then a publish step', async () => {
    const f = fakeFetch(() => json({ id: 7, publishedAt: 1 }, 201));
    vi.stubGlobal('fetch', f.fetch);
    const r = recorder();
    const t = new ShortPollTransport(options(r, { actor: 'alice', receive: false }));
    t.start();
    expect(t.state).toBe('open');
    const id = await t.send('hi ✓', 'chat');
    expect(id).toBe(7);
    expect(f.calls).toHaveLength(1);
    const call = f.calls[0]!;
    expect(call.init.method).toBe('POST');
    const body = JSON.parse(String(call.init.body)) as Record<string, unknown>;
    expect(body).toMatchObject({ from: 'alice', text: 'hi ✓', type: 'chat' });
    expect(typeof body.sentAt).toBe('number');
    expect(new URL(call.url).searchParams.get('rid')).toMatch(/^alice-publish-\d+$/);
    expect(r.kinds()).toEqual(['request', 'response', 'publish']);
    expect(r.of('request')[0]!.bytes?.payload).toBe(
      new TextEncoder().encode(String(call.init.body)).length,
    );
    const publish = r.of('publish')[0]!;
    expect(publish.messageIds).toEqual([7]);
    expect(publish.details?.sentAt).toBe(body.sentAt);
    // sentAt comes from the same clock as `t`.
    expect(publish.details!.sentAt!).toBeLessThan(publish.t);
  });

  it('a refused publish rejects with the server code and traces it on the response', async () => {
    const f = fakeFetch(() => json({ error: 'too big', code: 'RL_ERR_BODY_TOO_LARGE' }, 413));
    vi.stubGlobal('fetch', f.fetch);
    const r = recorder();
    const t = new ShortPollTransport(options(r, { receive: false }));
    await expect(t.send('x')).rejects.toMatchObject({ code: 'RL_ERR_BODY_TOO_LARGE', status: 413 });
    const response = r.of('response')[0]!;
    expect(response.details).toMatchObject({ status: 413, errorCode: 'RL_ERR_BODY_TOO_LARGE' });
    expect(r.of('publish')).toHaveLength(0);
  });
});

describe('LongPollTransport', () => {
  it('re-polls at once after an answer, with since and timeout', async () => {
    let n = 0;
    const f = fakeFetch(() => {
      n++;
      if (n === 1) return json({ messages: [message(4)], lastId: 4 });
      return never();
    });
    vi.stubGlobal('fetch', f.fetch);
    const r = recorder();
    const t = new LongPollTransport(
      options(r, { knobs: { ...options(r).knobs, longPollTimeoutMs: 5000 }, since: 3 }),
    );
    t.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(f.calls).toHaveLength(2);
    const [a, b] = f.calls.map((c) => new URL(c.url));
    expect(a!.pathname).toBe('/api/channels/lobby/long-poll');
    expect(a!.searchParams.get('since')).toBe('3');
    expect(a!.searchParams.get('timeout')).toBe('5000');
    expect(b!.searchParams.get('since')).toBe('4');
    expect(r.of('request')[0]!.details?.timeoutMs).toBe(5000);
    expect(t.state).toBe('holding');
    expect(t.lastId).toBe(4);
    t.stop();
    expect(r.kinds().at(-1)).toBe('close');
  });

  it('after a network error: error, reconnect-wait 1 s, reconnect, poll again', async () => {
    let n = 0;
    const f = fakeFetch(() => {
      n++;
      if (n === 1) throw new TypeError('fetch failed');
      return never();
    });
    vi.stubGlobal('fetch', f.fetch);
    const r = recorder();
    const t = new LongPollTransport(options(r));
    t.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(r.kinds()).toEqual(['request', 'error', 'reconnect-wait']);
    expect(r.of('error')[0]!.details?.errorCode).toBe('RL_ERR_NETWORK');
    expect(r.of('reconnect-wait')[0]!.details?.delayMs).toBe(1000);
    expect(t.state).toBe('reconnect-wait');
    await vi.advanceTimersByTimeAsync(999);
    expect(f.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(f.calls).toHaveLength(2);
    expect(r.kinds().slice(3)).toEqual(['reconnect', 'request']);
    expect(r.of('reconnect')[0]!.conn).toBe(r.of('request')[1]!.conn);
    expect(r.states).toEqual(['holding', 'reconnect-wait', 'holding']);
    t.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('backs off exponentially while failures go on, and starts over after a success', async () => {
    let n = 0;
    const f = fakeFetch(() => {
      n++;
      // Three failures, an answer, then failures again.
      if (n <= 3 || n >= 5) throw new TypeError('fetch failed');
      return json({ messages: [], lastId: 0 });
    });
    vi.stubGlobal('fetch', f.fetch);
    const r = recorder();
    const t = new LongPollTransport(
      options(r, {
        knobs: { ...DEFAULT_KNOBS, backoffBaseMs: 1000, backoffCapMs: 3000, backoffJitter: false },
      }),
    );
    t.start();
    await vi.advanceTimersByTimeAsync(1000 + 2000 + 3000 + 250 + 1000);
    const waits = r.of('reconnect-wait').map((e) => e.details?.delayMs);
    // 1 s, 2 s, then the 3 s cap; after the answer, 1 s again.
    expect(waits.slice(0, 4)).toEqual([1000, 2000, 3000, 1000]);
    expect(r.of('reconnect-wait')[2]!.details?.note).toMatch(
      /attempt 3: min\(3000, 1000 × 2\^2\) = 3000 ms/,
    );
    t.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('with jitter, each wait is a random share of its ceiling (seeded: repeatable)', async () => {
    const runs: number[][] = [];
    for (let run = 0; run < 2; run++) {
      vi.stubGlobal('fetch', fakeFetch(() => Promise.reject(new TypeError('fetch failed'))).fetch);
      const r = recorder();
      const t = new LongPollTransport(
        options(r, {
          knobs: { ...DEFAULT_KNOBS, backoffBaseMs: 1000, backoffCapMs: 8000, backoffJitter: true },
          random: seededRandom(42),
        }),
      );
      t.start();
      await vi.advanceTimersByTimeAsync(20_000);
      t.stop();
      runs.push(r.of('reconnect-wait').map((e) => e.details!.delayMs!));
    }
    expect(runs[1]).toEqual(runs[0]);
    runs[0]!.slice(0, 4).forEach((wait, n) => {
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThanOrEqual(Math.min(8000, 1000 * 2 ** n));
    });
    expect(new Set(runs[0]).size).toBeGreaterThan(1);
  });

  it('a non-200 answer is traced with its code and retried', async () => {
    let n = 0;
    const f = fakeFetch(() => {
      n++;
      return n === 1 ? json({ error: 'restarting', code: 'RL_ERR_UNAVAILABLE' }, 503) : never();
    });
    vi.stubGlobal('fetch', f.fetch);
    const r = recorder();
    const t = new LongPollTransport(options(r));
    t.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(r.of('response')[0]!.details).toMatchObject({
      status: 503,
      errorCode: 'RL_ERR_UNAVAILABLE',
    });
    expect(t.state).toBe('reconnect-wait');
    t.stop();
  });

  it('does not spin when empty answers come back at once (timeout 0)', async () => {
    const f = fakeFetch(() => json({ messages: [], lastId: 0 }));
    vi.stubGlobal('fetch', f.fetch);
    const r = recorder();
    const t = new LongPollTransport(
      options(r, { knobs: { ...options(r).knobs, longPollTimeoutMs: 0 } }),
    );
    t.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(f.calls).toHaveLength(1);
    expect(t.state).toBe('waiting');
    await vi.advanceTimersByTimeAsync(250);
    expect(f.calls).toHaveLength(2);
    t.stop();
  });

  it('a new timeout releases the held poll and sends it again at once, same since, new timeout', async () => {
    const f = fakeFetch(() => never());
    vi.stubGlobal('fetch', f.fetch);
    const r = recorder();
    const knobs = { ...options(r).knobs, longPollTimeoutMs: 30_000 };
    const t = new LongPollTransport(options(r, { knobs, since: 7 }));
    t.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(f.calls).toHaveLength(1);
    const first = f.calls[0]!;
    const heldConn = r.of('request')[0]!.conn;

    // Other knobs do not touch the held poll.
    t.updateKnobs({ ...knobs, pollIntervalMs: 500 });
    await vi.advanceTimersByTimeAsync(0);
    expect(f.calls).toHaveLength(1);

    t.updateKnobs({ ...knobs, longPollTimeoutMs: 5_000 });
    expect(first.init.signal?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(f.calls).toHaveLength(2);
    const url = new URL(f.calls[1]!.url);
    expect(url.searchParams.get('timeout')).toBe('5000');
    expect(url.searchParams.get('since')).toBe('7');
    // Told honestly: the old poll closed because of the change, on its own conn; no error, no wait.
    expect(r.kinds()).toEqual(['request', 'close', 'request']);
    const close = r.of('close')[0]!;
    expect(close.conn).toBe(heldConn);
    expect(close.details?.note).toBe('timeout changed to 5000 ms: released, sent again at once');
    expect(r.of('request')[1]!.conn).not.toBe(heldConn);
    expect(r.of('request')[1]!.details?.timeoutMs).toBe(5_000);
    expect(t.state).toBe('holding');
    // The new poll's watchdog uses the new timeout: nothing gives up before 5 s + the margin.
    await vi.advanceTimersByTimeAsync(5_000 + ANSWER_MARGIN_MS - 1);
    expect(r.of('error')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.of('error')).toHaveLength(1);
    t.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a new timeout between polls changes nothing now: the next poll carries it', async () => {
    const f = fakeFetch(() => json({ messages: [], lastId: 0 }));
    vi.stubGlobal('fetch', f.fetch);
    const r = recorder();
    const knobs = { ...options(r).knobs, longPollTimeoutMs: 0 };
    const t = new LongPollTransport(options(r, { knobs }));
    t.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.state).toBe('waiting');
    t.updateKnobs({ ...knobs, longPollTimeoutMs: 1_000 });
    expect(r.of('close')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(250);
    expect(new URL(f.calls[1]!.url).searchParams.get('timeout')).toBe('1000');
    t.stop();
  });
});
