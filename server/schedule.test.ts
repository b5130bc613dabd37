import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/core';
import { openSse, startApp, TestSocket, waitFor, type Running } from './test-helpers';

interface Status {
  id: string;
  sent: number;
  playing: boolean;
  count: number;
  startsAt: number;
}

async function call(base: string, method: string, ch: string, body?: unknown) {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`${base}/api/channels/${ch}/schedule`, init);
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

  it('stops playing when the server closes', async () => {
    running = await startApp();
    await call(running.base, 'POST', 'closing', { rate: 1, count: 5, delayMs: 10_000 });
    await running.close();
    // Nothing left to keep the process busy: the test runner would hang on a live timer otherwise.
    running = undefined as unknown as Running;
  });
});
