import { afterEach, describe, expect, it } from 'vitest';
import { publish, startApp, type Running } from './test/helpers';

describe('short poll and publish', () => {
  let running: Running;
  afterEach(async () => running?.close());

  it('answers at once: empty, then the published messages after since', async () => {
    running = await startApp({ now: () => 1_700_000_000_000 });
    const url = `${running.base}/api/channels/room-1/messages`;
    const empty = await fetch(`${url}?since=0`);
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ messages: [], lastId: 0 });

    const posted = await fetch(`${url}?client=alice&rid=p-1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ from: 'alice', text: 'héllo', type: 'chat', sentAt: 123 }),
    });
    expect(posted.status).toBe(201);
    expect(await posted.json()).toEqual({ id: 1, publishedAt: 1_700_000_000_000 });
    await publish(running.base, 'room-1', 'second', 'bob');

    const all = await fetch(`${url}?since=0`);
    expect(await all.json()).toEqual({
      messages: [
        {
          id: 1,
          channel: 'room-1',
          type: 'chat',
          from: 'alice',
          text: 'héllo',
          sentAt: 123,
          publishedAt: 1_700_000_000_000,
        },
        {
          id: 2,
          channel: 'room-1',
          type: 'message',
          from: 'bob',
          text: 'second',
          publishedAt: 1_700_000_000_000,
        },
      ],
      lastId: 2,
    });
    const newer = (await (await fetch(`${url}?since=1`)).json()) as {
      messages: { id: number }[];
      lastId: number;
    };
    expect(newer.messages.map((m) => m.id)).toEqual([2]);
    expect(newer.lastId).toBe(2);
    const none = await fetch(`${url}?since=2`);
    expect(await none.json()).toEqual({ messages: [], lastId: 2 });
    // lobby is separate and exists from the start
    expect(await (await fetch(`${running.base}/api/channels/lobby/messages`)).json()).toEqual({
      messages: [],
      lastId: 0,
    });
  });

  it('accepts a body right at the limit and refuses one byte more with 413', async () => {
    running = await startApp({ bodyLimit: 200 });
    const url = `${running.base}/api/channels/lobby/messages`;
    const base = JSON.stringify({ from: 'a', text: '' });
    const exact = JSON.stringify({ from: 'a', text: 'x'.repeat(200 - base.length) });
    expect(Buffer.byteLength(exact)).toBe(200);
    const ok = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: exact,
    });
    expect(ok.status).toBe(201);
    const over = JSON.stringify({ from: 'a', text: 'x'.repeat(201 - base.length) });
    const refused = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: over,
    });
    expect(refused.status).toBe(413);
    expect(await refused.json()).toMatchObject({ code: 'RL_ERR_BODY_TOO_LARGE' });
  });
});
