import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLIENT_ERROR_CODES, TransportError } from './transport-error';
import { deleteSchedule, getSchedule, postSchedule, renewSchedule } from './schedule-api';
import { fakeFetch, json } from './test/fakes';

afterEach(() => vi.unstubAllGlobals());

const status = { id: 'schedule-2', count: 5, sent: 1, playing: true, ended: null };

describe('schedule-api', () => {
  it('calls each route of the channel, on the base URL given', async () => {
    const f = fakeFetch(() => json(status));
    vi.stubGlobal('fetch', f.fetch);
    const target = { channel: 'my room', baseUrl: 'http://lab:8080/' };
    await expect(getSchedule(target)).resolves.toEqual(status);
    await postSchedule(target, { rate: 1, count: 5, owner: 'page-1', leaseMs: 15_000 });
    await renewSchedule(target, 'schedule-2');
    await deleteSchedule(target, 'schedule-2', { keepalive: true });
    expect(f.calls.map((c) => [c.init.method ?? 'GET', c.url])).toEqual([
      ['GET', 'http://lab:8080/api/channels/my%20room/schedule'],
      ['POST', 'http://lab:8080/api/channels/my%20room/schedule'],
      ['POST', 'http://lab:8080/api/channels/my%20room/schedule/renew'],
      ['DELETE', 'http://lab:8080/api/channels/my%20room/schedule?id=schedule-2'],
    ]);
    expect(JSON.parse(String(f.calls[2]!.init.body))).toEqual({ id: 'schedule-2' });
    expect(f.calls[3]!.init).toEqual({ method: 'DELETE', keepalive: true });
  });

  it("throws a refusal as a TransportError with the server's code and status", async () => {
    vi.stubGlobal(
      'fetch',
      fakeFetch(() => json({ error: 'no schedule', code: 'RL_ERR_SCHEDULE_ENDED' }, 410)).fetch,
    );
    const error: unknown = await renewSchedule({ channel: 'lobby' }, 'schedule-1').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'RL_ERR_SCHEDULE_ENDED', status: 410 });
  });

  it('throws a request that got no answer as RL_ERR_NETWORK, with no status', async () => {
    vi.stubGlobal('fetch', fakeFetch(() => Promise.reject(new TypeError('Failed to fetch'))).fetch);
    const error: unknown = await getSchedule({ channel: 'lobby' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: CLIENT_ERROR_CODES.NETWORK, message: 'Failed to fetch' });
    expect((error as TransportError).status).toBeUndefined();
  });
});
