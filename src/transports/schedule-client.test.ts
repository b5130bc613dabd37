import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BUSY_RETRIES,
  BUSY_RETRY_MS,
  SCHEDULE_LEASE_MS,
  SCHEDULE_RENEW_MS,
  ServerSchedule,
} from './schedule-client';
import { fakeFetch, json } from './test/fakes';

const status = (id: string, playing = true) => ({ id, count: 10, sent: 0, playing, ended: null });

/** A promise and the function that settles it, so a test decides when the server answers. */
function later<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('ServerSchedule', () => {
  it('posts with the page as owner and a lease, renews it while it plays, and deletes only its own', async () => {
    const f = fakeFetch((url, init) =>
      init.method === 'POST' && !url.endsWith('/renew')
        ? json(status('schedule-4'), 201)
        : json(status('schedule-4')),
    );
    vi.stubGlobal('fetch', f.fetch);
    const schedule = new ServerSchedule({ channel: 'lobby', owner: 'page-1' });
    const result = await schedule.start({ rate: 2, count: 10, from: 'scores', type: 'score' });
    expect(result).toMatchObject({ ok: true, status: { id: 'schedule-4' } });
    expect(f.calls[0]!.url).toBe('/api/channels/lobby/schedule');
    expect(JSON.parse(String(f.calls[0]!.init.body))).toEqual({
      rate: 2,
      count: 10,
      from: 'scores',
      type: 'score',
      owner: 'page-1',
      leaseMs: SCHEDULE_LEASE_MS,
    });
    await vi.advanceTimersByTimeAsync(SCHEDULE_RENEW_MS * 3);
    const renewals = f.calls.filter((c) => c.url.endsWith('/schedule/renew'));
    expect(renewals).toHaveLength(3);
    expect(JSON.parse(String(renewals[0]!.init.body))).toEqual({ id: 'schedule-4' });
    // Three chances to renew before the lease lapses.
    expect(SCHEDULE_RENEW_MS * 3).toBeLessThanOrEqual(SCHEDULE_LEASE_MS);

    await schedule.stop();
    const last = f.calls.at(-1)!;
    expect(last.init.method).toBe('DELETE');
    expect(last.url).toBe('/api/channels/lobby/schedule?id=schedule-4');
    expect(schedule.playing).toBeNull();
    await vi.advanceTimersByTimeAsync(SCHEDULE_RENEW_MS * 3);
    expect(f.calls.at(-1)).toBe(last);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop() resolves only once the server has answered the DELETE', async () => {
    const answer = later<Response>();
    const f = fakeFetch((_url, init) =>
      init.method === 'DELETE' ? answer.promise : json(status('schedule-1'), 201),
    );
    vi.stubGlobal('fetch', f.fetch);
    const schedule = new ServerSchedule({ channel: 'ch', owner: 'page-1' });
    await schedule.start({ rate: 1, count: 5 });
    let stopped = false;
    const stopping = schedule.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stopped).toBe(false);
    answer.resolve(json(status('schedule-1', false)));
    await stopping;
    expect(stopped).toBe(true);
  });

  it('stop() during the POST waits for it, then deletes what it started', async () => {
    const posted = later<Response>();
    const f = fakeFetch((_url, init) =>
      init.method === 'POST' ? posted.promise : json(status('schedule-2', false)),
    );
    vi.stubGlobal('fetch', f.fetch);
    const schedule = new ServerSchedule({ channel: 'ch', owner: 'page-1' });
    const starting = schedule.start({ rate: 1, count: 5 });
    const stopping = schedule.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(f.calls).toHaveLength(1);
    posted.resolve(json(status('schedule-2'), 201));
    await starting;
    await stopping;
    expect(f.calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'POST /api/channels/ch/schedule',
      'DELETE /api/channels/ch/schedule?id=schedule-2',
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('when the server ended it (a lapsed lease), says so and stops renewing', async () => {
    const f = fakeFetch((url) =>
      url.endsWith('/renew')
        ? json(
            {
              error: 'schedule-3 no longer plays on "ch": its lease lapsed',
              code: 'RL_ERR_SCHEDULE_ENDED',
            },
            410,
          )
        : json(status('schedule-3'), 201),
    );
    vi.stubGlobal('fetch', f.fetch);
    const ended: string[] = [];
    const schedule = new ServerSchedule({
      channel: 'ch',
      owner: 'page-1',
      onEnded: (reason) => ended.push(reason),
    });
    await schedule.start({ rate: 1, count: 5 });
    await vi.advanceTimersByTimeAsync(SCHEDULE_RENEW_MS * 4);
    expect(ended).toEqual(['schedule-3 no longer plays on "ch": its lease lapsed']);
    expect(f.calls.filter((c) => c.url.endsWith('/renew'))).toHaveLength(1);
    expect(schedule.playing).toBeNull();
  });

  it('keeps renewing through a reboot’s 503 and a network error', async () => {
    let renewals = 0;
    const f = fakeFetch((url) => {
      if (!url.endsWith('/renew')) return json(status('schedule-5'), 201);
      renewals++;
      if (renewals === 1) return json({ error: 'rebooting', code: 'RL_ERR_UNAVAILABLE' }, 503);
      if (renewals === 2) throw new TypeError('Failed to fetch');
      return json(status('schedule-5'));
    });
    vi.stubGlobal('fetch', f.fetch);
    const ended: string[] = [];
    const schedule = new ServerSchedule({
      channel: 'ch',
      owner: 'page-1',
      onEnded: (r) => ended.push(r),
    });
    await schedule.start({ rate: 1, count: 5 });
    await vi.advanceTimersByTimeAsync(SCHEDULE_RENEW_MS * 3);
    expect(renewals).toBe(3);
    expect(ended).toEqual([]);
    expect(schedule.playing).toBe('schedule-5');
    schedule.markEnded();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('asks again after a 409 a couple of times, then says why not', async () => {
    const f = fakeFetch(() =>
      json({ error: 'a schedule is already playing', code: 'RL_ERR_SCHEDULE_BUSY' }, 409),
    );
    vi.stubGlobal('fetch', f.fetch);
    const schedule = new ServerSchedule({ channel: 'ch', owner: 'page-1' });
    const result = schedule.start({ rate: 1, count: 5 });
    await vi.advanceTimersByTimeAsync(BUSY_RETRY_MS * BUSY_RETRIES);
    expect(await result).toEqual({
      ok: false,
      error: 'a schedule is already playing',
      code: 'RL_ERR_SCHEDULE_BUSY',
      status: 409,
    });
    expect(f.calls).toHaveLength(1 + BUSY_RETRIES);
    expect(schedule.playing).toBeNull();
  });

  it('on pagehide sends the DELETE with keepalive, so it outlives the page', async () => {
    const target = new EventTarget();
    vi.stubGlobal('addEventListener', target.addEventListener.bind(target));
    vi.stubGlobal('removeEventListener', target.removeEventListener.bind(target));
    const f = fakeFetch(() => json(status('schedule-6'), 201));
    vi.stubGlobal('fetch', f.fetch);
    const schedule = new ServerSchedule({ channel: 'ch', owner: 'page-1' });
    await schedule.start({ rate: 1, count: 5 });
    target.dispatchEvent(new Event('pagehide'));
    expect(f.calls[1]).toMatchObject({
      url: '/api/channels/ch/schedule?id=schedule-6',
      init: { method: 'DELETE', keepalive: true },
    });
    await schedule.stop();
    // Stopped: a later pagehide has nothing to delete.
    target.dispatchEvent(new Event('pagehide'));
    expect(f.calls).toHaveLength(3);
  });
});
