/**
 * Slow consumers and ping floods over real sockets: a peer that does not read is
 * cut past `maxQueuedBytes` while readers on the same channel get everything; a
 * burst of pings past ws's 60 pending pongs is traced; the heartbeat a client may
 * ask for is bounded.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES, KNOB_RANGES, WS_CLOSE, WS_OPCODES, type TraceEventInput } from '../src/core';
import { openSse, TestSocket } from './test/clients';
import { clientFrame } from './test/frame-codec';
import { startApp, type Running } from './test/helpers';
import { RawWebSocket } from './test/raw-websocket';
import { waitFor } from './test/wait-for';

/** Every server step, straight from the lab's observer (a sink: no observer socket to keep up). */
function traceOf(running: Running): () => TraceEventInput[] {
  const events: TraceEventInput[] = [];
  running.app.lab.observer.forwardTo({ active: true, forward: (event) => events.push(event) });
  return () => events;
}

/** An SSE request on a bare TCP socket that never reads a byte of the answer. */
function nonReadingSse(port: number, path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.once('error', reject);
    socket.on('connect', () => {
      socket.pause();
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`,
      );
      resolve(socket);
    });
  });
}

/** Resolves once `socket` has been closed by its peer (it reads, and so sees the end). */
function endOf(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    socket.once('close', () => resolve());
    socket.resume();
  });
}

const MESSAGE_TEXT = 'x'.repeat(15_000);
const LIMIT = 64 * 1024;
/** The test publishes as fast as it can, from one address: neither budget may stop it. */
const UNLIMITED_PUBLISHING = {
  publishRatePerSecond: 100_000,
  publishBurst: 100_000,
  publishRatePerAddress: 100_000,
  publishBurstPerAddress: 100_000,
};

describe('slow consumers', () => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('cuts a non-reading WebSocket (1013) and SSE stream past the queue limit; readers on the channel get every message', async () => {
    running = await startApp({
      limits: { maxQueuedBytes: LIMIT, ...UNLIMITED_PUBLISHING },
    });
    const { base, port, wsBase } = running;
    const trace = traceOf(running);
    const ch = 'slow';
    const lazyWs = await RawWebSocket.open(port, `/api/channels/${ch}/ws?rid=lazy-ws`);
    lazyWs.socket.pause();
    const lazySse = await nonReadingSse(port, `/api/channels/${ch}/events?rid=lazy-sse`);
    const reader = await TestSocket.open(`${wsBase}/api/channels/${ch}/ws?rid=eager-ws`);
    const sse = await openSse(`${base}/api/channels/${ch}/events?rid=eager-sse`);
    const { lab } = running.app;
    await waitFor(() => lab.stats().sseStreams === 2 && lab.hub.listenerCount(ch) === 4);

    const closeOf = (conn: string): TraceEventInput | undefined =>
      trace().find((e) => e.conn === conn && e.kind === 'close');
    // Publish until both non-readers are cut (the kernel's buffers take a few MB first), at most 1000.
    let published = 0;
    while (published < 1_000 && !(closeOf('lazy-sse') && lab.hub.listenerCount(ch) === 2)) {
      const res = await fetch(`${base}/api/channels/${ch}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'ticker', text: MESSAGE_TEXT }),
      });
      expect(res.status).toBe(201);
      published++;
    }
    expect(lab.hub.listenerCount(ch), 'only the readers still listen').toBe(2);
    expect(published).toBeLessThan(1_000);

    // Both cuts are traced: an error step with the code, a close step with the reason.
    for (const conn of ['lazy-ws', 'lazy-sse']) {
      const error = trace().find((e) => e.conn === conn && e.kind === 'error');
      expect(error?.details, conn).toMatchObject({ errorCode: ERROR_CODES.SLOW_CONSUMER });
      expect(error?.details?.error).toMatch(/^slow consumer: \d+ bytes unread, at most 65536/);
    }
    await waitFor(() => closeOf('lazy-ws') !== undefined, 3_000, 'the WebSocket close step');
    expect(closeOf('lazy-ws')?.details?.closeReason).toMatch(/^slow consumer: /);
    expect(closeOf('lazy-sse')?.details?.closeReason).toMatch(/^slow consumer: /);
    await waitFor(() => lab.stats().sseStreams === 1 && lab.stats().sockets === 1);

    // The readers got every message, in order, and are still open.
    await waitFor(() => sse.reader.events().length === published, 5_000, 'every SSE event');
    await waitFor(
      () =>
        reader.frames.filter((f) => (f as { type?: string }).type === 'message').length ===
        published,
      5_000,
      'every WebSocket message',
    );
    const ids = sse.reader.events().map((e) => Number(e.id));
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
    expect(reader.closeCode).toBeNull();

    // The non-readers, reading again, find their connection ended: a 1013 close or a cut socket.
    await endOf(lazySse);
    lazyWs.socket.resume();
    await waitFor(() => lazyWs.ended, 3_000, 'the slow WebSocket to end');
    if (lazyWs.closeFrame) expect(lazyWs.closeFrame.code).toBe(WS_CLOSE.tryAgainLater);
    reader.close();
    sse.abort();
  });

  it('closes a non-reading observer (1013) past the queue limit, while a reading one keeps every step', async () => {
    running = await startApp({
      limits: { maxQueuedBytes: LIMIT, ...UNLIMITED_PUBLISHING },
    });
    const { base, port, wsBase } = running;
    const { lab } = running.app;
    const lazy = await RawWebSocket.open(port, '/api/observe');
    lazy.socket.pause();
    const watcher = await TestSocket.open(`${wsBase}/api/observe`);
    // A subscriber, so that every publish is traced with its 15 KB body on the way down.
    const subscriber = await TestSocket.open(`${wsBase}/api/channels/watched/ws?rid=sub`);
    await waitFor(() => lab.observer.size === 2 && lab.hub.listenerCount('watched') === 1);
    const stepsFor = (id: number) =>
      watcher.frames.filter(
        (f) =>
          (f as { type?: string }).type === 'trace' &&
          ((f as { event?: TraceEventInput }).event?.messageIds ?? []).includes(id),
      ).length;
    let published = 0;
    let lastId = 0;
    while (published < 1_000 && lab.observer.size === 2) {
      const res = await fetch(`${base}/api/channels/watched/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'ticker', text: MESSAGE_TEXT }),
      });
      expect(res.status).toBe(201);
      lastId = ((await res.json()) as { id: number }).id;
      published++;
    }
    expect(lab.observer.size, 'only the reading observer is left').toBe(1);
    expect(published).toBeLessThan(1_000);
    await waitFor(() => stepsFor(lastId) > 0, 5_000, 'the reader to see the last publish traced');
    expect(watcher.closeCode).toBeNull();
    lazy.socket.resume();
    await waitFor(() => lazy.ended, 3_000, 'the slow observer to end');
    if (lazy.closeFrame) {
      expect(lazy.closeFrame.code).toBe(WS_CLOSE.tryAgainLater);
      expect(lazy.closeFrame.reason).toMatch(/^slow consumer: /);
    }
    watcher.close();
    subscriber.close();
  });

  it('traces a ping flood (more than 60 pings awaiting their pongs) as an error and the close', async () => {
    running = await startApp();
    const trace = traceOf(running);
    const raw = await RawWebSocket.open(running.port, '/api/channels/lobby/ws?rid=flood');
    // 100 pings in one write: ws parses them at once, before any pong has been written out.
    raw.write(
      Buffer.concat(
        Array.from({ length: 100 }, () => clientFrame(WS_OPCODES.ping, Buffer.alloc(0))),
      ),
    );
    await waitFor(() => raw.ended, 2_000, 'the flooded socket to end');
    await waitFor(() => trace().some((e) => e.conn === 'flood' && e.kind === 'close'));
    const error = trace().find((e) => e.conn === 'flood' && e.kind === 'error');
    expect(error?.details).toMatchObject({ errorCode: ERROR_CODES.PING_FLOOD });
    expect(error?.details?.error).toMatch(/more than 60 pings awaiting their pongs/);
    const close = trace().find((e) => e.conn === 'flood' && e.kind === 'close');
    expect(close?.details).toMatchObject({ closeCode: 1006, wasClean: false });
    expect(close?.details?.closeReason).toMatch(/^ping flood/);
    expect(running.app.lab.stats().sockets).toBe(0);
  });

  it('answers pings below the flood limit and stays open', async () => {
    running = await startApp();
    const trace = traceOf(running);
    const raw = await RawWebSocket.open(running.port, '/api/channels/lobby/ws?rid=calm');
    raw.write(
      Buffer.concat(
        Array.from({ length: 50 }, () => clientFrame(WS_OPCODES.ping, Buffer.alloc(0))),
      ),
    );
    await waitFor(() => raw.frames.filter((f) => f.opcode === WS_OPCODES.pong).length === 50);
    expect(raw.ended).toBe(false);
    expect(trace().some((e) => e.conn === 'calm' && e.kind === 'error')).toBe(false);
    raw.destroy();
  });

  it(`refuses a heartbeat above ${KNOB_RANGES.heartbeat.max} ms with 400, on SSE and WebSocket`, async () => {
    running = await startApp();
    const { base, port } = running;
    expect(KNOB_RANGES.heartbeat.max).toBe(60_000);
    const tooLong = KNOB_RANGES.heartbeat.max + 1;
    const sse = await fetch(`${base}/api/channels/lobby/events?heartbeat=${tooLong}`);
    expect(sse.status).toBe(400);
    expect(await sse.json()).toMatchObject({ code: ERROR_CODES.BAD_TIMEOUT });
    await expect(
      RawWebSocket.open(port, `/api/channels/lobby/ws?heartbeat=${tooLong}`),
    ).rejects.toThrow(/^HTTP\/1\.1 400/);
    await expect(
      RawWebSocket.open(port, '/api/channels/lobby/ws?heartbeat=600000'),
    ).rejects.toThrow(/^HTTP\/1\.1 400/);
    // The largest allowed value still opens.
    const ok = await RawWebSocket.open(
      port,
      `/api/channels/lobby/ws?heartbeat=${KNOB_RANGES.heartbeat.max}`,
    );
    ok.destroy();
  });
});
