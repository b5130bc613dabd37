import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { TraceEventInput } from '../src/core';
import { publish, startApp, type Running } from './test/helpers';
import { waitFor } from './test/wait-for';
import { rawExchange, TestSocket } from './test/clients';

type Trace = { type: 'trace'; event: TraceEventInput };

async function observe(
  running: Running,
): Promise<{ observer: TestSocket; events: () => TraceEventInput[] }> {
  const observer = await TestSocket.open(`${running.wsBase}/api/observe`);
  const hello = await observer.next((f) => f.type === 'hello');
  expect(hello).toMatchObject({ type: 'hello', server: 'server-1' });
  expect(typeof hello.serverTime).toBe('number');
  const events = (): TraceEventInput[] =>
    (observer.frames as Trace[]).filter((f) => f.type === 'trace').map((f) => f.event);
  return { observer, events };
}

function find(events: TraceEventInput[], conn: string, kind: string): TraceEventInput[] {
  return events.filter((e) => e.conn === conn && e.kind === kind);
}

/** A raw TCP client that counts every byte it receives. */
class RawClient {
  received = Buffer.alloc(0);
  readonly socket: Socket;
  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (chunk) => (this.received = Buffer.concat([this.received, chunk])));
  }
  async connected(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.once('connect', () => resolve()));
  }
  headEnd(): number {
    const end = this.received.indexOf('\r\n\r\n');
    return end === -1 ? -1 : end + 4;
  }
}

/** A masked client → server text frame (RFC 6455 §5.2), payload under 126 bytes. */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

describe('observer stream', () => {
  let running: Running;
  afterEach(async () => running?.close());

  it('reports an HTTP request and response with the exact bytes a raw socket saw', async () => {
    running = await startApp();
    const { events } = await observe(running);
    await publish(running.base, 'lobby', 'to be polled');
    const body = JSON.stringify({ from: 'alice', text: 'raw body ✓' });
    const postHead =
      `POST /api/channels/lobby/messages?client=alice&rid=raw-post HTTP/1.1\r\nHost: 127.0.0.1:${running.port}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Extra:   spaced\r\nConnection: close\r\n\r\n`;
    const postReply = await rawExchange(running.port, postHead + body);
    const getHead = `GET /api/channels/lobby/messages?since=0&rid=raw-get&client=bob HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`;
    const getReply = await rawExchange(running.port, getHead);
    await waitFor(() => find(events(), 'raw-get', 'response').length === 1);

    const [postReq] = find(events(), 'raw-post', 'request');
    // Node drops the optional whitespace around a header value: "X-Extra:   spaced" arrives as "X-Extra: spaced".
    expect(postReq!.bytes).toEqual({
      header: Buffer.byteLength(postHead) - 2,
      payload: Buffer.byteLength(body),
    });
    expect(postReq).toMatchObject({
      observer: 'server',
      actor: 'server-1',
      peer: 'alice',
      dir: 'up',
    });
    const [postRes] = find(events(), 'raw-post', 'response');
    expect(postRes!.bytes!.header + postRes!.bytes!.payload).toBe(postReply.length);
    expect(postRes!.bytes!.header).toBe(postReply.indexOf('\r\n\r\n') + 4);
    expect(postRes!.details?.status).toBe(201);
    expect(postRes!.details?.responseHeaders).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
    });
    expect(find(events(), 'raw-post', 'publish')[0]!.messageIds).toEqual([2]);

    const [getReq] = find(events(), 'raw-get', 'request');
    expect(getReq!.bytes).toEqual({ header: Buffer.byteLength(getHead), payload: 0 });
    // The inspector shows the headers as they came and went.
    expect(getReq!.details?.requestHeaders).toEqual({ Host: 'localhost', Connection: 'close' });
    expect(postReq!.details?.requestHeaders).toMatchObject({
      'Content-Type': 'application/json',
      'X-Extra': 'spaced',
    });
    const [getRes] = find(events(), 'raw-get', 'response');
    expect(getRes!.bytes!.header).toBe(getReply.indexOf('\r\n\r\n') + 4);
    expect(getRes!.bytes!.header + getRes!.bytes!.payload).toBe(getReply.length);
    expect(getRes).toMatchObject({
      technique: 'short-poll',
      peer: 'bob',
      messageIds: [1, 2],
      empty: false,
    });
  });

  it('reports the 101 head and WebSocket frames with the exact bytes a raw socket saw', async () => {
    running = await startApp();
    const { events } = await observe(running);
    const raw = new RawClient(running.port);
    await raw.connected();
    raw.socket.write(
      `GET /api/channels/lobby/ws?rid=raw-ws HTTP/1.1\r\nHost: 127.0.0.1:${running.port}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await waitFor(() => raw.headEnd() > 0);
    expect(raw.received.toString('latin1', 0, 12)).toBe('HTTP/1.1 101');
    const headBytes = raw.headEnd();
    await waitFor(() => find(events(), 'raw-ws', 'ws-open').length === 1);
    expect(find(events(), 'raw-ws', 'ws-open')[0]!.bytes).toEqual({
      header: headBytes,
      payload: 0,
    });

    await publish(running.base, 'lobby', 'x'.repeat(130)); // a frame with a 16-bit extended length
    await waitFor(() => find(events(), 'raw-ws', 'ws-frame').length === 1);
    const frameBytes = raw.received.length - headBytes;
    const [down] = find(events(), 'raw-ws', 'ws-frame');
    expect(down!.bytes!.header).toBe(4);
    expect(down!.bytes!.header + down!.bytes!.payload).toBe(frameBytes);

    const frame = maskedTextFrame(JSON.stringify({ op: 'resume', since: 99 }));
    raw.socket.write(frame);
    await waitFor(() => find(events(), 'raw-ws', 'ws-frame').some((e) => e.dir === 'up'));
    const up = find(events(), 'raw-ws', 'ws-frame').find((e) => e.dir === 'up')!;
    expect(up.bytes).toEqual({ header: 6, payload: frame.length - 6 });
    expect(up.bytes!.header + up.bytes!.payload).toBe(frame.length);
    raw.socket.destroy();
    await waitFor(() => find(events(), 'raw-ws', 'close').length === 1);
  });

  it('reports SSE head and events whose bytes add up to what the raw socket received', async () => {
    running = await startApp();
    const { events } = await observe(running);
    const raw = new RawClient(running.port);
    await raw.connected();
    raw.socket.write(
      `GET /api/channels/lobby/events?rid=raw-sse&retry=500 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    );
    await waitFor(() => raw.headEnd() > 0 && find(events(), 'raw-sse', 'sse-event').length === 1);
    await publish(running.base, 'lobby', 'over sse');
    await waitFor(() => find(events(), 'raw-sse', 'sse-event').length === 2);
    await waitFor(() => raw.received.toString().includes('over sse'));
    const [open] = find(events(), 'raw-sse', 'sse-open');
    expect(open!.bytes!.header).toBe(raw.headEnd());
    const sum = find(events(), 'raw-sse', 'sse-event').reduce(
      (n, e) => n + e.bytes!.header + e.bytes!.payload,
      0,
    );
    expect(open!.bytes!.header + sum).toBe(raw.received.length);
    expect(find(events(), 'raw-sse', 'sse-event')[0]!.bytes).toEqual({
      header: 5,
      payload: 'retry: 500\n\n'.length,
    });
    raw.socket.destroy();
  });

  it('reports long-poll hold and release, and never its own socket', async () => {
    running = await startApp();
    const { events } = await observe(running);
    const poll = fetch(`${running.base}/api/channels/lobby/long-poll?rid=lp-1&timeout=5000`);
    await waitFor(() => find(events(), 'lp-1', 'hold').length === 1);
    expect(find(events(), 'lp-1', 'hold')[0]!.details).toEqual({ timeoutMs: 5000 });
    await publish(running.base, 'lobby', 'release');
    await (await poll).json();
    await waitFor(() => find(events(), 'lp-1', 'response').length === 1);
    expect(find(events(), 'lp-1', 'release')[0]!.messageIds).toEqual([1]);
    expect(find(events(), 'lp-1', 'response')[0]).toMatchObject({
      technique: 'long-poll',
      empty: false,
      messageIds: [1],
    });
    expect(events().some((e) => String(e.details?.url ?? '').includes('/api/observe'))).toBe(false);
    expect(events().every((e) => e.observer === 'server' && e.actor === 'server-1')).toBe(true);
  });

  it('reports a refused request as request, error (with its code) and response', async () => {
    running = await startApp();
    const { events } = await observe(running);
    const res = await fetch(
      `${running.base}/api/channels/lobby/messages?since=abc&rid=bad-1&client=carol`,
    );
    expect(res.status).toBe(400);
    await waitFor(() => find(events(), 'bad-1', 'response').length === 1);
    expect(
      events()
        .filter((e) => e.conn === 'bad-1')
        .map((e) => e.kind),
    ).toEqual(['request', 'error', 'response']);
    expect(find(events(), 'bad-1', 'error')[0]).toMatchObject({
      peer: 'carol',
      details: { status: 400, errorCode: 'RL_ERR_BAD_SINCE' },
    });
  });

  // A refusal answered by an onRequest hook (the restart gate, the connection caps, the Host check)
  // used to be counted from the socket's first byte: on a keep-alive socket, every earlier answer too.
  type Refusal = { host?: string; release?: () => Promise<void> };
  const refusals: Array<[string, number, (r: Running) => Promise<Refusal>]> = [
    [
      'a 503 during a reboot',
      503,
      async (r: Running) => {
        const res = await fetch(`${r.base}/api/faults`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ restart: { downForMs: 5_000 } }),
        });
        expect(res.status).toBe(200);
        return {};
      },
    ],
    [
      'a 503 over the connection cap',
      503,
      async (r: Running) => {
        // The one slot this address may hold is taken by a held poll.
        const held = fetch(`${r.base}/api/channels/lobby/long-poll?since=20&timeout=5000`);
        await waitFor(() => r.app.lab.stats().heldPolls === 1);
        return {
          release: async () => {
            r.app.lab.publish(
              'lobby',
              { from: 'server', text: 'wake' },
              { technique: null, conn: 't' },
            );
            expect((await held).status).toBe(200);
          },
        };
      },
    ],
    ['a 403 for a foreign Host', 403, async () => ({ host: 'evil.example' })],
  ];
  for (const [refusal, status, setup] of refusals) {
    it(`counts ${refusal} on a keep-alive socket at its own size, not the socket's history`, async () => {
      running = await startApp(
        refusal.includes('cap')
          ? { limits: { maxConnectionsPerAddress: 1, maxConnectionsTotal: 100 } }
          : {},
      );
      const { events } = await observe(running);
      for (let i = 0; i < 20; i++) await publish(running.base, 'lobby', `${i} ${'x'.repeat(500)}`);
      const client = new RawClient(running.port);
      await client.connected();
      /** Sends a request on the kept-alive socket; resolves with the bytes of its whole answer. */
      const exchange = async (path: string, host = `127.0.0.1:${running.port}`) => {
        const from = client.received.length;
        client.socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
        let size = -1;
        await waitFor(() => {
          const reply = client.received.subarray(from);
          const end = reply.indexOf('\r\n\r\n');
          if (end === -1) return false;
          const length = /content-length: (\d+)/i.exec(reply.subarray(0, end).toString('latin1'));
          size = end + 4 + Number(length?.[1] ?? 0);
          return reply.length >= size;
        });
        return client.received.subarray(from, from + size);
      };
      const first = await exchange('/api/channels/lobby/messages?since=0&rid=ka-1');
      expect(first.length).toBeGreaterThan(10_000);
      const second = await exchange('/api/channels/lobby/messages?since=0&rid=ka-2');
      const options = await setup(running);
      const refused = await exchange('/api/channels/lobby/messages?since=0&rid=ka-3', options.host);
      expect(refused.subarray(0, 12).toString('latin1')).toBe(`HTTP/1.1 ${status}`);
      expect(refused.length).toBeLessThan(600);
      await waitFor(() => find(events(), 'ka-3', 'response').length === 1);
      const [response] = find(events(), 'ka-3', 'response');
      expect(response!.details?.status).toBe(status);
      // Exactly the bytes this answer put on the wire, not the 20 KB the socket carried before it.
      expect(response!.bytes!.header + response!.bytes!.payload).toBe(refused.length);
      expect(response!.bytes!.header).toBe(refused.indexOf('\r\n\r\n') + 4);
      const [earlier] = find(events(), 'ka-2', 'response');
      expect(earlier!.bytes!.header + earlier!.bytes!.payload).toBe(second.length);
      await options.release?.();
      client.socket.destroy();
    });
  }

  it('answers clock-sync requests with its own time, and refuses anything else', async () => {
    running = await startApp();
    const { observer } = await observe(running);
    const before = performance.timeOrigin + performance.now();
    observer.ws.send(JSON.stringify({ op: 'sync', t0: 1234.5 }));
    const sync = await observer.next((f) => f.type === 'sync');
    const after = performance.timeOrigin + performance.now();
    expect(sync.t0).toBe(1234.5);
    // Same machine, same kind of clock: the server's reading falls inside the exchange.
    expect(sync.serverTime as number).toBeGreaterThanOrEqual(before - 5);
    expect(sync.serverTime as number).toBeLessThanOrEqual(after + 5);
    observer.ws.send('not json');
    expect(await observer.next((f) => f.type === 'error')).toMatchObject({
      code: 'RL_ERR_UNKNOWN_OP',
    });
    observer.ws.send(JSON.stringify({ op: 'sync', t0: 'soon' }));
    expect(await observer.next((f) => f.type === 'error')).toMatchObject({ code: 'RL_ERR_BAD_OP' });
    expect(observer.closeCode).toBeNull();
  });

  it('reports nothing and measures nothing while nobody observes', async () => {
    running = await startApp();
    await publish(running.base, 'lobby', 'unobserved');
    expect(running.app.lab.observer.active).toBe(false);
    const { events } = await observe(running);
    expect(events()).toEqual([]);
  });
});
