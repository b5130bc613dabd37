import { afterEach, describe, expect, it } from 'vitest';
import { publish, startApp, type Running } from './test/helpers';
import { waitFor } from './test/wait-for';

interface Poll {
  messages: { id: number; text: string }[];
  lastId: number;
}

describe('long poll', () => {
  let running: Running;
  afterEach(async () => running?.close());

  it('answers at once when something newer exists', async () => {
    running = await startApp();
    await publish(running.base, 'lobby', 'early');
    const started = Date.now();
    const res = await fetch(`${running.base}/api/channels/lobby/long-poll?since=0&timeout=5000`);
    const body = (await res.json()) as Poll;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(body.messages.map((m) => m.text)).toEqual(['early']);
    expect(body.lastId).toBe(1);
  });

  it('holds several waiters and releases them all on one publish', async () => {
    running = await startApp();
    const { app, base } = running;
    const polls = [0, 1, 2].map(() =>
      fetch(`${base}/api/channels/lobby/long-poll?since=0&timeout=10000`).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as Poll,
      })),
    );
    await waitFor(() => app.lab.stats().heldPolls === 3, 2_000, 'three held polls');
    expect(app.lab.stats().hubListeners).toBe(3);
    const id = await publish(base, 'lobby', 'wake up');
    const answers = await Promise.all(polls);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ lastId: id, messages: [{ id, text: 'wake up' }] });
    }
    expect(app.lab.stats()).toMatchObject({ heldPolls: 0, hubListeners: 0 });
  });

  it('ignores a publish on another channel and times out with an empty list', async () => {
    running = await startApp();
    const { app, base } = running;
    const started = Date.now();
    const poll = fetch(`${base}/api/channels/lobby/long-poll?since=0&timeout=300`);
    await waitFor(() => app.lab.stats().heldPolls === 1);
    await publish(base, 'elsewhere', 'not for lobby');
    const res = await poll;
    const elapsed = Date.now() - started;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ messages: [], lastId: 0 });
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(2_000);
    expect(app.lab.stats()).toMatchObject({ heldPolls: 0, hubListeners: 0 });
  });

  it('uses the default timeout knob when none is given', async () => {
    running = await startApp({
      knobs: {
        longPollTimeoutMs: 150,
        sseRetryMs: 3000,
        sseHeartbeatMs: 15000,
        wsHeartbeatMs: 30000,
      },
    });
    const res = await fetch(`${running.base}/api/channels/lobby/long-poll`);
    expect(await res.json()).toEqual({ messages: [], lastId: 0 });
  });

  it('forgets a waiter the moment its client goes away', async () => {
    running = await startApp();
    const { app, base } = running;
    const controller = new AbortController();
    const poll = fetch(`${base}/api/channels/lobby/long-poll?timeout=60000`, {
      signal: controller.signal,
    }).catch((err: unknown) => err);
    await waitFor(() => app.lab.stats().heldPolls === 1);
    expect(app.lab.stats().hubListeners).toBe(1);
    controller.abort();
    expect(await poll).toBeInstanceOf(Error);
    await waitFor(() => app.lab.stats().heldPolls === 0, 2_000, 'the waiter to be forgotten');
    expect(app.lab.stats().hubListeners).toBe(0);
    // a later publish finds nobody to answer and nothing breaks
    await publish(base, 'lobby', 'after abort');
    expect((await (await fetch(`${base}/api/health`)).json()) as unknown).toEqual({ ok: true });
  });
});
