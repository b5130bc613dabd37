import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/core';
import { startApp, type Running } from './test/helpers';
import { waitFor } from './test/wait-for';
import { openSse, TestSocket } from './test/clients';

interface Status {
  id: string;
  sent: number;
  playing: boolean;
  count: number;
  startsAt: number;
}

/** One call to a channel's schedule; `ch` may carry a sub-path and a query (`leased/renew`, `ch?id=…`). */
async function call(base: string, method: string, ch: string, body?: unknown) {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const [path, query] = ch.split('?');
  const [name, sub] = path!.split('/');
  const res = await fetch(
    `${base}/api/channels/${name}/schedule${sub ? `/${sub}` : ''}${query ? `?${query}` : ''}`,
    init,
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('message schedules played by the server', () => {
  let running: Running;
  afterEach(async () => running?.close());

  it('publishes count messages at seeded random times, the same gaps on every run', async () => {
    running = await startApp();
    const { base } = running;
    const { reader, abort } = await openSse(`${base}/api/channels/sched/events`);
    const started = await call(base, 'POST', 'sched', { rate: 40, count: 12, seed: 7 });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ count: 12, seed: 7, pattern: 'random', sent: 0 });
    await waitFor(() => reader.events().length === 12, 5_000, '12 scheduled events');
    const messages = reader.events().map((e) => JSON.parse(e.data) as Record<string, unknown>);
    expect(messages.map((m) => m.text)).toEqual(
      Array.from({ length: 12 }, (_, i) => `ticker #${i + 1} of 12`),
    );
    expect(messages.every((m) => m.from === 'ticker' && m.sentAt === undefined)).toBe(true);
    // Each publish lands at its planned time (startsAt + the seeded gaps): never early beyond
    // the millisecond rounding of timers, and not much late.
    const random = seededRandom(7);
    let due = started.body.startsAt as number;
    for (const message of messages) {
      due += -Math.log(1 - random()) * 25;
      const at = message.publishedAt as number;
      expect(at).toBeGreaterThanOrEqual(due - 2);
      expect(at - due).toBeLessThan(250);
    }
    const done = await call(base, 'GET', 'sched');
    expect(done.body).toMatchObject({ sent: 12, playing: false });
    abort();
  });

  it('refuses a second schedule on a busy channel, stops on DELETE, and explains bad input', async () => {
    running = await startApp();
    const { base } = running;
    expect((await call(base, 'GET', 'quiet')).status).toBe(404);
    expect((await call(base, 'DELETE', 'quiet')).body.code).toBe('RL_ERR_NO_SCHEDULE');
    const first = await call(base, 'POST', 'busy', { rate: 1, count: 100, delayMs: 5_000 });
    expect(first.status).toBe(201);
    const second = await call(base, 'POST', 'busy', { rate: 1, count: 1 });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'RL_ERR_SCHEDULE_BUSY' });
    expect(second.body.error).toMatch(/already playing/);
    const stopped = (await call(base, 'DELETE', 'busy')).body as unknown as Status;
    expect(stopped).toMatchObject({ playing: false, sent: 0 });
    expect((await call(base, 'POST', 'busy', { rate: 1, count: 1, delayMs: 0 })).status).toBe(201);

    for (const [body, pattern] of [
      [{ rate: 0, count: 1 }, /rate/],
      [{ rate: 51, count: 1 }, /rate/],
      [{ rate: 1, count: 10_001 }, /count/],
      [{ rate: 1 }, /count/],
      [{ rate: 1, count: 1, pattern: 'bursty' }, /pattern/],
      [{ rate: 1, count: 1, tempo: 3 }, /tempo/],
    ] as const) {
      const bad = await call(base, 'POST', 'other', body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error).toMatch(pattern);
    }
    expect((await call(base, 'POST', 'Bad Name', { rate: 1, count: 1 })).status).toBe(400);
  });

  it('reports each scheduled publish on the observer stream, with no sentAt', async () => {
    running = await startApp();
    const { base, wsBase } = running;
    const observer = await TestSocket.open(`${wsBase}/api/observe`);
    await observer.next();
    const started = await call(base, 'POST', 'observed', { rate: 50, count: 3, seed: 3 });
    const id = started.body.id as string;
    const publishes: Array<{ conn: string; peer?: string; messageIds: number[] }> = [];
    await waitFor(
      () => {
        for (const frame of observer.frames.splice(0)) {
          const event = (frame as { event?: { kind: string } }).event;
          if (event?.kind === 'publish') publishes.push(event as never);
        }
        return publishes.length === 3;
      },
      3_000,
      'three publish steps',
    );
    expect(publishes.map((p) => p.conn)).toEqual([id, id, id]);
    expect(publishes[0]!.peer).toBeUndefined();
    expect((publishes[0] as { details?: { from?: string } }).details?.from).toBe('ticker');
    observer.close();
  });

  it("ends a page's schedule when the page's observer disconnects, so the next page can start one", async () => {
    running = await startApp();
    const { base, wsBase } = running;
    const page = await TestSocket.open(`${wsBase}/api/observe?owner=page-a`);
    await page.next((f) => f.type === 'hello');
    const started = await call(base, 'POST', 'owned', {
      rate: 1,
      count: 100,
      owner: 'page-a',
    });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ owner: 'page-a', leaseMs: null, ended: null });
    // While page A is there, another page is refused, and told whose schedule it is.
    const refused = await call(base, 'POST', 'owned', { rate: 1, count: 1, owner: 'page-b' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/already playing .* another page \(page-a\)/);
    page.close();
    await waitFor(() => running.app.lab.observer.size === 0);
    const gone = await call(base, 'GET', 'owned');
    expect(gone.body).toMatchObject({ id: started.body.id, playing: false, ended: 'owner-gone' });
    const next = await call(base, 'POST', 'owned', { rate: 1, count: 1, owner: 'page-b' });
    expect(next.status).toBe(201);
    // A page with two observers (two runs at once) is there until the last one leaves.
    const one = await TestSocket.open(`${wsBase}/api/observe?owner=page-c`);
    const two = await TestSocket.open(`${wsBase}/api/observe?owner=page-c`);
    expect((await call(base, 'POST', 'other', { rate: 1, count: 9, owner: 'page-c' })).status).toBe(
      201,
    );
    one.close();
    await waitFor(() => running.app.lab.observer.size === 1);
    expect((await call(base, 'GET', 'other')).body.playing).toBe(true);
    two.close();
    await waitFor(async () => (await call(base, 'GET', 'other')).body.playing === false);
  });

  it('a page that starts again replaces its own schedule; one whose page is gone never blocks', async () => {
    running = await startApp();
    const { base } = running;
    const first = await call(base, 'POST', 'again', { rate: 1, count: 50, owner: 'page-a' });
    const second = await call(base, 'POST', 'again', { rate: 2, count: 50, owner: 'page-a' });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ rate: 2, playing: true });
    const renewOld = await call(base, 'POST', 'again/renew', { id: first.body.id });
    expect(renewOld.status).toBe(410);
    expect(renewOld.body).toMatchObject({ code: 'RL_ERR_SCHEDULE_ENDED' });
    expect(renewOld.body.error).toMatch(`${second.body.id as string} has taken the channel`);
    // A page's DELETE names its schedule: it never stops one that took the channel since.
    const stale = await call(base, 'DELETE', `again?id=${first.body.id as string}`);
    expect(stale.status).toBe(410);
    expect((await call(base, 'GET', 'again')).body).toMatchObject({
      id: second.body.id,
      playing: true,
    });
    // Page A has no observer and no lease: nothing says it is still there, so page B takes over.
    const third = await call(base, 'POST', 'again', { rate: 1, count: 5, owner: 'page-b' });
    expect(third.status).toBe(201);
    const renewSecond = await call(base, 'POST', 'again/renew', { id: second.body.id });
    expect(renewSecond.status).toBe(410);
    const own = await call(base, 'DELETE', `again?id=${third.body.id as string}`);
    expect(own.body).toMatchObject({ id: third.body.id, playing: false, ended: 'deleted' });
    // A schedule without an owner (curl, an older page) keeps the old rule: one at a time.
    expect((await call(base, 'POST', 'again', { rate: 1, count: 50 })).status).toBe(201);
    expect((await call(base, 'POST', 'again', { rate: 1, count: 5, owner: 'page-c' })).status).toBe(
      409,
    );
  });

  it('ends a schedule whose lease is not renewed, keeps one that is, and waits out a reboot', async () => {
    running = await startApp();
    const { base } = running;
    const started = await call(base, 'POST', 'leased', {
      rate: 1,
      count: 100,
      owner: 'page-l',
      leaseMs: 1_000,
    });
    expect(started.body).toMatchObject({ leaseMs: 1_000, playing: true });
    expect(started.body.leaseUntil).toBe((started.body.startsAt as number) + 1_000);
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const renewed = await call(base, 'POST', 'leased/renew', { id: started.body.id });
      expect(renewed.status).toBe(200);
      expect(renewed.body.leaseUntil as number).toBeGreaterThan(Date.now() + 900);
    }
    // 1.5 s in, renewed each half second: it plays on. Then the page stops renewing.
    await waitFor(
      async () => (await call(base, 'GET', 'leased')).body.playing === false,
      2_000,
      'the lease to lapse',
    );
    const lapsed = await call(base, 'GET', 'leased');
    expect(lapsed.body.ended).toBe('lease-lapsed');
    const late = await call(base, 'POST', 'leased/renew', { id: started.body.id });
    expect(late.status).toBe(410);
    expect(late.body.error).toMatch(/lease lapsed/);
    // A different page may start at once.
    expect(
      (await call(base, 'POST', 'leased', { rate: 1, count: 5, owner: 'page-m' })).status,
    ).toBe(201);

    // During a reboot renewals are refused (503): the lease waits until the server is back.
    const rebooted = await call(base, 'POST', 'rebooted', {
      rate: 1,
      count: 100,
      owner: 'page-r',
      leaseMs: 1_000,
    });
    await fetch(`${base}/api/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ restart: { downForMs: 1_500 } }),
    });
    expect((await call(base, 'POST', 'rebooted/renew', { id: rebooted.body.id })).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 1_700));
    const back = await call(base, 'POST', 'rebooted/renew', { id: rebooted.body.id });
    expect(back.status).toBe(200);
    expect(back.body.playing).toBe(true);
  });

  it('explains a bad owner, lease or renewal', async () => {
    running = await startApp();
    const { base, wsBase } = running;
    for (const [body, pattern] of [
      [{ rate: 1, count: 1, leaseMs: 999 }, /leaseMs/],
      [{ rate: 1, count: 1, leaseMs: 600_001 }, /leaseMs/],
      [{ rate: 1, count: 1, owner: 'a page' }, /owner/],
    ] as const) {
      const bad = await call(base, 'POST', 'bad', body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.error).toMatch(pattern);
    }
    const none = await call(base, 'POST', 'never/renew', { id: 'schedule-1' });
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('RL_ERR_NO_SCHEDULE');
    expect((await call(base, 'POST', 'never/renew', {})).status).toBe(400);
    await expect(TestSocket.open(`${wsBase}/api/observe?owner=${'x'.repeat(65)}`)).rejects.toThrow(
      /400/,
    );
  });

  it('stops playing when the server closes', async () => {
    running = await startApp();
    await call(running.base, 'POST', 'closing', { rate: 1, count: 5, delayMs: 10_000 });
    await running.close();
    // Nothing left to keep the process busy: the test runner would hang on a live timer otherwise.
    running = undefined as unknown as Running;
  });
});
