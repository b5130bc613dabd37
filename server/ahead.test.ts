import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, TestSocket } from './test/clients';
import { publish, startApp, type Running } from './test/helpers';
import { waitFor } from './test/wait-for';

/** A `since` above the channel's last id (after a restart): told `ahead`, then all it keeps, then live. */
describe('since above the channel last id (real sockets)', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startApp();
    await publish(running.base, 'lobby', 'one');
    await publish(running.base, 'lobby', 'two');
  });
  afterAll(async () => running.close());

  const idsOf = (body: unknown): number[] =>
    (body as { messages: { id: number }[] }).messages.map((m) => m.id);

  it('short poll answers { messages: <all kept>, lastId, ahead: true }', async () => {
    const answer = await fetch(`${running.base}/api/channels/lobby/messages?since=50`);
    expect(answer.status).toBe(200);
    const body = await answer.json();
    expect(body).toMatchObject({ lastId: 2, ahead: true });
    expect(idsOf(body)).toEqual([1, 2]);
    // Not ahead: no flag.
    const plain = await fetch(`${running.base}/api/channels/lobby/messages?since=2`);
    expect(await plain.json()).toEqual({ messages: [], lastId: 2 });
  });

  it('long poll answers at once with ahead and all it keeps, instead of holding', async () => {
    const started = Date.now();
    const answer = await fetch(
      `${running.base}/api/channels/lobby/long-poll?since=50&timeout=5000`,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    const body = await answer.json();
    expect(body).toMatchObject({ lastId: 2, ahead: true });
    expect(idsOf(body)).toEqual([1, 2]);
  });

  it.each([
    ['header', { 'last-event-id': '50' }, ''],
    ['query', {}, '?lastEventId=50'],
  ])(
    'SSE (%s): an `ahead` event with lastId, then every message kept, then live ones',
    async (_how, headers, query) => {
      const lastId = running.app.lab.hub.channel('lobby').lastId;
      const { reader, abort } = await openSse(
        `${running.base}/api/channels/lobby/events${query}`,
        headers as Record<string, string>,
      );
      await waitFor(() => reader.events().some((e) => e.event === 'ahead'), 2_000, 'ahead event');
      const ahead = reader.events().find((e) => e.event === 'ahead')!;
      expect(JSON.parse(ahead.data)).toEqual({ lastId });
      // Its id (0) resets the browser's Last-Event-ID to the start of the channel's numbering.
      expect(ahead.id).toBe('0');
      const replayed = () =>
        reader
          .events()
          .filter((e) => e.event !== 'ahead' && e.id !== undefined && e.id !== '')
          .map((e) => Number(e.id));
      await waitFor(() => replayed().length === lastId, 2_000, 'the replay');
      expect(replayed()).toEqual(Array.from({ length: lastId }, (_, i) => i + 1));
      const id = await publish(running.base, 'lobby', 'live after ahead');
      await waitFor(() => reader.events().some((e) => e.id === String(id)), 2_000, 'live event');
      abort();
    },
  );

  it('WebSocket ?since= and the resume op: an `ahead` frame with lastId, then all kept, then live', async () => {
    const lastId = running.app.lab.hub.channel('lobby').lastId;
    const socket = await TestSocket.open(`${running.wsBase}/api/channels/lobby/ws?since=500`);
    expect(await socket.next((f) => f.type === 'ahead')).toEqual({ type: 'ahead', lastId });
    for (let id = 1; id <= lastId; id++) {
      const replayed = await socket.next<{ message: { id: number } }>((f) => f.type === 'message');
      expect(replayed.message.id).toBe(id);
    }
    const id = await publish(running.base, 'lobby', 'live after ahead');
    const live = await socket.next<{ message: { id: number } }>((f) => f.type === 'message');
    expect(live.message.id).toBe(id);
    socket.send({ op: 'resume', since: 900 });
    expect(await socket.next((f) => f.type === 'ahead')).toEqual({ type: 'ahead', lastId: id });
    socket.close();
  });
});
