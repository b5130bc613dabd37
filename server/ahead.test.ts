import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, TestSocket } from './test/clients';
import { publish, startApp, type Running } from './test/helpers';
import { waitFor } from './test/wait-for';

/** A `since` above the channel's last id (after a restart): told `ahead`, then live from lastId. */
describe('since above the channel last id (real sockets)', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startApp();
    await publish(running.base, 'lobby', 'one');
    await publish(running.base, 'lobby', 'two');
  });
  afterAll(async () => running.close());

  it('short poll answers { messages: [], lastId, ahead: true }', async () => {
    const answer = await fetch(`${running.base}/api/channels/lobby/messages?since=50`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ messages: [], lastId: 2, ahead: true });
    // Not ahead: no flag.
    const plain = await fetch(`${running.base}/api/channels/lobby/messages?since=2`);
    expect(await plain.json()).toEqual({ messages: [], lastId: 2 });
  });

  it('long poll answers at once with ahead instead of holding', async () => {
    const started = Date.now();
    const answer = await fetch(
      `${running.base}/api/channels/lobby/long-poll?since=50&timeout=5000`,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await answer.json()).toEqual({ messages: [], lastId: 2, ahead: true });
  });

  it.each([
    ['header', { 'last-event-id': '50' }, ''],
    ['query', {}, '?lastEventId=50'],
  ])(
    'SSE (%s): an `ahead` event with lastId, then live messages after it',
    async (_how, headers, query) => {
      const lastId = running.app.lab.hub.channel('lobby').lastId;
      const { reader, abort } = await openSse(
        `${running.base}/api/channels/lobby/events${query}`,
        headers as Record<string, string>,
      );
      await waitFor(() => reader.events().some((e) => e.event === 'ahead'), 2_000, 'ahead event');
      const ahead = reader.events().find((e) => e.event === 'ahead')!;
      expect(JSON.parse(ahead.data)).toEqual({ lastId });
      // Its id resets the browser's Last-Event-ID to the channel's numbering.
      expect(ahead.id).toBe(String(lastId));
      const id = await publish(running.base, 'lobby', 'live after ahead');
      await waitFor(() => reader.events().some((e) => e.id === String(id)), 2_000, 'live event');
      abort();
    },
  );

  it('WebSocket ?since= and the resume op: an `ahead` frame with lastId, then live messages', async () => {
    const lastId = running.app.lab.hub.channel('lobby').lastId;
    const socket = await TestSocket.open(`${running.wsBase}/api/channels/lobby/ws?since=500`);
    expect(await socket.next((f) => f.type === 'ahead')).toEqual({ type: 'ahead', lastId });
    const id = await publish(running.base, 'lobby', 'live after ahead');
    const live = await socket.next<{ message: { id: number } }>((f) => f.type === 'message');
    expect(live.message.id).toBe(id);
    socket.send({ op: 'resume', since: 900 });
    expect(await socket.next((f) => f.type === 'ahead')).toEqual({ type: 'ahead', lastId: id });
    socket.close();
  });
});
