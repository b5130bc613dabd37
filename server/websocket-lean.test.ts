/**
 * What an idle channel socket costs the server, and that the savings change nothing a
 * learner sees: heartbeats on shared timers still ping each socket on its own interval and
 * cut the one that misses a pong; the upgrade's HTTP objects are let go once the socket is
 * open; a message is serialised once for all its sockets, with every frame's bytes traced
 * as before.
 */
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES, type TraceEventInput } from '../src/core';
import { observeTrace, publish, startApp, type Running } from './test/helpers';
import { TestSocket } from './test/clients';
import { RawWebSocket } from './test/raw-websocket';
import { waitFor } from './test/wait-for';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const pingsOf = (events: TraceEventInput[], conn: string): number[] =>
  events.filter((e) => e.conn === conn && e.kind === 'ping' && e.dir === 'down').map((e) => e.t);

describe('lean channel sockets', () => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('pings each socket on its own interval from one shared timer, and cuts the one that misses a pong', async () => {
    running = await startApp();
    const { lab } = running.app;
    const { events } = await observeTrace(running);
    const url = (rid: string): string => `/api/channels/beats/ws?heartbeat=400&rid=${rid}`;
    const early = await TestSocket.open(`${running.wsBase}${url('early')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const late = await TestSocket.open(`${running.wsBase}${url('late')}`);
    // Answers nothing, not the pings either.
    const mute = await RawWebSocket.open(running.port, url('mute'));
    await waitFor(() => lab.stats().sockets === 3);
    expect(lab.heartbeats.size).toBe(3);
    expect(lab.heartbeats.timers).toBe(1);

    await waitFor(() => mute.ended, 4_000, 'the silent peer to be cut');
    await waitFor(() => pingsOf(events(), 'late').length >= 3, 4_000, 'three pings to late');
    const [early1, early2, early3] = pingsOf(events(), 'early');
    const [late1, late2, late3] = pingsOf(events(), 'late');
    // Each on its own interval…
    for (const gap of [early2! - early1!, early3! - early2!, late2! - late1!, late3! - late2!]) {
      expect(gap).toBeGreaterThanOrEqual(380);
      expect(gap).toBeLessThan(800);
    }
    // …from when it opened: not in step with the other.
    expect(late1! - early1!).toBeGreaterThanOrEqual(100);
    const muted = events().filter((e) => e.conn === 'mute');
    expect(muted.find((e) => e.kind === 'error')?.details?.errorCode).toBe(ERROR_CODES.MISSED_PONG);
    expect(mute.closeFrame).toBeNull();
    // The two that answer their pings stay open, beating.
    expect(early.closeCode).toBeNull();
    expect(late.closeCode).toBeNull();
    expect(lab.heartbeats.size).toBe(2);

    early.ws.close();
    late.ws.close();
    await waitFor(() => lab.stats().sockets === 0);
    expect(lab.heartbeats.size).toBe(0);
    expect(lab.heartbeats.timers).toBe(0);
  });

  it('lets go of the upgrade’s request and response once the socket is open', async () => {
    running = await startApp();
    const { app } = running;
    const upgrades: WeakRef<IncomingMessage>[] = [];
    app.websocketServer.on('connection', (_socket, request: IncomingMessage) =>
      upgrades.push(new WeakRef(request)),
    );
    const socket = await TestSocket.open(`${running.wsBase}/api/channels/kept/ws?rid=kept`);
    await waitFor(() => app.lab.stats().sockets === 1);
    const [server] = [...app.websocketServer.clients];
    const tcp = (server as unknown as { _socket: { _httpMessage: unknown } })._socket;
    expect(tcp._httpMessage).toBeNull();
    // The plugin's error listener (it held the Fastify request and reply) gave way to the socket's own.
    expect(server!.listenerCount('error')).toBe(1);
    for (let i = 0; i < 5 && upgrades[0]?.deref() !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      gc();
    }
    expect(upgrades).toHaveLength(1);
    expect(upgrades[0]!.deref()).toBeUndefined();
    // The socket works on without them.
    await publish(running.base, 'kept', 'still here');
    const frame = await socket.next((f) => f.type === 'message');
    expect(frame).toMatchObject({ message: { text: 'still here' } });
    socket.ws.close();
  });

  it('sends every socket the same frame, serialised once, with each frame’s bytes traced', async () => {
    running = await startApp();
    const { events } = await observeTrace(running);
    const rids = ['fan-1', 'fan-2', 'fan-3'];
    const texts = new Map<string, string>();
    const sockets = await Promise.all(
      rids.map((rid) => TestSocket.open(`${running!.wsBase}/api/channels/fan/ws?rid=${rid}`)),
    );
    sockets.forEach((socket, i) =>
      socket.ws.on('message', (data) => texts.set(rids[i]!, String(data))),
    );
    await waitFor(() => running!.app.lab.stats().sockets === 3);
    const id = await publish(running.base, 'fan', 'to all three ✓');
    await waitFor(() => texts.size === 3);
    const message = running.app.lab.hub.since('fan', 0).messages.at(-1)!;
    const expected = JSON.stringify({ type: 'message', message });
    expect([...texts.values()]).toEqual([expected, expected, expected]);
    const payload = Buffer.byteLength(expected);
    await waitFor(
      () => events().filter((e) => e.kind === 'ws-frame' && e.dir === 'down').length === 3,
    );
    for (const rid of rids) {
      const step = events().find((e) => e.conn === rid && e.kind === 'ws-frame');
      expect(step?.bytes).toEqual({ header: payload < 126 ? 2 : 4, payload });
      expect(step?.messageIds).toEqual([id]);
      expect(step?.details?.body).toBe(expected);
    }
    for (const socket of sockets) socket.ws.close();
  });

  it('counts the exact bytes of a poll held from before the observer connected', async () => {
    running = await startApp();
    const { port } = running;
    const tcp = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    tcp.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    await new Promise((resolve) => tcp.once('connect', resolve));
    tcp.write(
      `GET /api/channels/held/long-poll?since=0&timeout=5000&rid=held-1 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`,
    );
    await waitFor(() => running!.app.lab.stats().heldPolls === 1);
    // Nobody watched when it arrived; someone does when it is answered.
    const { events } = await observeTrace(running);
    await publish(running.base, 'held', 'now');
    const response = (): TraceEventInput | undefined =>
      events().find((e) => e.conn === 'held-1' && e.kind === 'response');
    await waitFor(() => response() !== undefined);
    const head = received.indexOf('\r\n\r\n') + 4;
    const length = Number(/content-length: (\d+)/i.exec(received.toString('latin1'))?.[1]);
    await waitFor(() => received.length >= head + length);
    expect(response()!.bytes).toEqual({ header: head, payload: length });
    expect(received.length).toBe(head + length);
    tcp.destroy();
  });
});
