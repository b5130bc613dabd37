import { afterEach, describe, expect, it } from 'vitest';
import { publish, startApp, type Running } from './test/helpers';
import { waitFor } from './test/wait-for';
import { TestSocket } from './test/clients';

interface MessageFrame {
  type: 'message';
  message: { id: number; text: string; from: string };
}
const isMessage = (f: Record<string, unknown>): boolean => f.type === 'message';

describe('WebSocket', () => {
  let running: Running;
  afterEach(async () => running?.close());

  it('replays after since, then goes live with no gap and no duplicate while others publish', async () => {
    running = await startApp();
    const { base, wsBase, app } = running;
    for (let i = 1; i <= 5; i++) await publish(base, 'lobby', `m${i}`);
    // Publishers keep going while the socket connects and replays.
    let publishing = true;
    const publisher = (async () => {
      let n = 0;
      while (publishing && n < 200) {
        await publish(base, 'lobby', `live${n++}`);
      }
    })();
    const socket = await TestSocket.open(`${wsBase}/api/channels/lobby/ws?since=2`);
    await waitFor(() => socket.frames.length >= 20, 5_000, 'twenty frames');
    publishing = false;
    await publisher;
    const lastId = app.lab.hub.channel('lobby').lastId;
    await waitFor(() => socket.frames.length === lastId - 2, 3_000, 'every message after since');
    const ids = (socket.frames as MessageFrame[]).map((f) => f.message.id);
    expect(ids).toEqual(Array.from({ length: lastId - 2 }, (_, i) => i + 3));
    socket.close();
  });

  it('acks a publish to the publisher, delivers it to everyone, and resumes on request', async () => {
    running = await startApp();
    const { wsBase, app } = running;
    const alice = await TestSocket.open(`${wsBase}/api/channels/room/ws?client=alice`);
    const bob = await TestSocket.open(`${wsBase}/api/channels/room/ws?client=bob`);
    await waitFor(() => app.lab.stats().sockets === 2);
    alice.send({ op: 'publish', text: 'hi bob', ref: 'r1', sentAt: 42 });
    const delivered = await bob.next<MessageFrame>(isMessage);
    expect(delivered.message).toMatchObject({
      id: 1,
      text: 'hi bob',
      from: 'alice',
      sentAt: 42,
      channel: 'room',
    });
    const own = await alice.next<MessageFrame>(isMessage);
    expect(own.message.id).toBe(1);
    const ack = await alice.next((f) => f.type === 'published');
    expect(ack).toMatchObject({ type: 'published', id: 1, ref: 'r1' });
    expect(typeof ack.publishedAt).toBe('number');
    expect(bob.frames.some((f) => (f as { type: string }).type === 'published')).toBe(false);

    bob.send({ op: 'publish', text: 'two', from: 'bobby', type: 'note' });
    await bob.next((f) => f.type === 'published');
    await alice.next(isMessage);
    alice.send({ op: 'resume', since: 0 });
    const first = await alice.next<MessageFrame>(isMessage);
    const second = await alice.next<MessageFrame>(isMessage);
    expect([first.message.id, second.message.id]).toEqual([1, 2]);
    expect(second.message).toMatchObject({ from: 'bobby', text: 'two' });
    alice.close();
    bob.close();
    await waitFor(() => app.lab.stats().sockets === 0 && app.lab.stats().hubListeners === 0);
  });

  it('answers bad frames with an error frame and keeps the socket open', async () => {
    running = await startApp();
    const socket = await TestSocket.open(`${running.wsBase}/api/channels/lobby/ws`);
    socket.send('not json');
    expect(await socket.next((f) => f.type === 'error')).toMatchObject({ code: 'RL_ERR_BAD_JSON' });
    socket.send({ op: 'dance' });
    const unknown = await socket.next((f) => f.type === 'error');
    expect(unknown).toMatchObject({ code: 'RL_ERR_UNKNOWN_OP' });
    expect(String(unknown.error)).toContain('dance');
    socket.send({ op: 'publish' });
    expect(await socket.next((f) => f.type === 'error')).toMatchObject({ code: 'RL_ERR_BAD_OP' });
    socket.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await socket.next((f) => f.type === 'error')).toMatchObject({ code: 'RL_ERR_BAD_OP' });
    socket.send({ op: 'publish', text: 'still open' });
    expect(await socket.next((f) => f.type === 'published')).toMatchObject({ id: 1 });
    socket.close();
  });

  it('closes with 1009 on a frame over the limit', async () => {
    running = await startApp({ bodyLimit: 1024 });
    const socket = await TestSocket.open(`${running.wsBase}/api/channels/lobby/ws`);
    socket.send({ op: 'publish', text: 'x'.repeat(2000) });
    expect(await socket.closed()).toBe(1009);
    await waitFor(() => running.app.lab.stats().sockets === 0);
    expect(running.app.lab.hub.channel('lobby').lastId).toBe(0);
  });

  it('pings on the heartbeat and terminates a peer that missed its pong', async () => {
    running = await startApp();
    const { wsBase, app } = running;
    const silent = await TestSocket.open(`${wsBase}/api/channels/lobby/ws?heartbeat=250`, {
      autoPong: false,
    });
    const lively = await TestSocket.open(`${wsBase}/api/channels/lobby/ws?heartbeat=250`);
    let pings = 0;
    silent.ws.on('ping', () => pings++);
    const started = Date.now();
    expect(await silent.closed(3_000)).toBe(1006);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(pings).toBeGreaterThanOrEqual(1);
    // the one that answers stays
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lively.closeCode).toBeNull();
    expect(app.lab.stats().sockets).toBe(1);
    lively.close();
  });

  it('closes open sockets with 1001 when the server shuts down', async () => {
    running = await startApp();
    const socket = await TestSocket.open(`${running.wsBase}/api/channels/lobby/ws`);
    await running.close();
    expect(await socket.closed()).toBe(1001);
  });
});
