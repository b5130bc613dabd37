import { EventEmitter } from 'node:events';
import { get, type ClientRequest, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WS_CLOSE } from '../src/core';
import { ConnectionLimiter, IDLE_ADDRESSES_KEPT } from './connection-limiter';
import { httpServerOptions } from './http-server';
import { DEFAULT_LIMITS, limitsFromEnv, resolveOptions } from './options';
import { observeTrace, publish, startApp, type Running } from './test/helpers';
import { waitFor } from './test/wait-for';
import { rawExchange, TestSocket } from './test/clients';
import { printedUrl, spawnLab } from './test/spawn-lab';

/** A GET held open from a chosen loopback address (127.0.0.2, … are all this machine). */
function holdFrom(
  port: number,
  path: string,
  localAddress = '127.0.0.1',
): Promise<{ status: number; body: () => string; close: () => void }> {
  return new Promise((resolve, reject) => {
    let body = '';
    const request: ClientRequest = get(
      { host: '127.0.0.1', port, path, localAddress, agent: false },
      (res: IncomingMessage) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('error', () => {});
        resolve({ status: res.statusCode ?? 0, body: () => body, close: () => request.destroy() });
      },
    );
    request.on('error', reject);
  });
}

async function lanePorts(base: string): Promise<number[]> {
  const body = (await (await fetch(`${base}/api/lanes`)).json()) as { lanes: { port: number }[] };
  return body.lanes.map((lane) => lane.port);
}

/** Status and JSON body of a raw HTTP answer. */
function parseAnswer(bytes: Buffer): { status: number; body: Record<string, unknown> } {
  const text = bytes.toString('utf8');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  return { status, body: body ? (JSON.parse(body) as Record<string, unknown>) : {} };
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await run();
  return { value, ms: Date.now() - started };
}

describe('ConnectionLimiter', () => {
  it('admits up to the cap per address and in total, and gives a slot back once', () => {
    const limiter = new ConnectionLimiter(2, 3);
    const a1 = limiter.admit('a');
    const a2 = limiter.admit('a');
    expect(typeof a1).toBe('function');
    expect(typeof a2).toBe('function');
    const a3 = limiter.admit('a');
    expect(a3).toMatchObject({ code: 'RL_ERR_TOO_MANY_CONNECTIONS', status: 503, closeCode: 1013 });
    expect((a3 as Error).message).toContain('per address');
    const b1 = limiter.admit('b');
    expect(typeof b1).toBe('function');
    const c1 = limiter.admit('c');
    expect((c1 as Error).message).toContain('in total');
    expect(limiter.count()).toBe(3);
    (a1 as () => void)();
    (a1 as () => void)();
    expect(limiter.count('a')).toBe(1);
    expect(limiter.count()).toBe(2);
    expect(typeof limiter.admit('c')).toBe('function');
  });

  it('keeps an address with no slot open for its next request, but only so many of them', () => {
    const limiter = new ConnectionLimiter(2, 10_000);
    for (let i = 0; i < 3; i++) (limiter.admit('a') as () => void)();
    expect(limiter.count('a')).toBe(0);
    expect(limiter.addressesKept).toBe(1);
    const held = limiter.admit('held') as () => void;
    for (let i = 0; i < IDLE_ADDRESSES_KEPT + 5; i++) (limiter.admit(`idle-${i}`) as () => void)();
    // Past the bound, every address with nothing open is forgotten; the ones with a slot are not.
    expect(limiter.addressesKept).toBeLessThanOrEqual(IDLE_ADDRESSES_KEPT + 1);
    expect(limiter.count('held')).toBe(1);
    expect(limiter.count()).toBe(1);
    // A forgotten or a kept address is admitted again as a new one, up to its cap.
    expect(typeof limiter.admit('idle-0')).toBe('function');
    expect(typeof limiter.admit('idle-0')).toBe('function');
    expect(limiter.admit('idle-0')).toMatchObject({ code: 'RL_ERR_TOO_MANY_CONNECTIONS' });
    held();
    expect(limiter.count()).toBe(2);
  });
  it('holds a slot until its end closes, through one shared listener, and gives it back once', () => {
    const limiter = new ConnectionLimiter(2, 10);
    const ends = [new EventEmitter(), new EventEmitter()].map((emitter) =>
      Object.assign(emitter, { destroyed: false }),
    );
    for (const end of ends) expect(limiter.holdUntilClose('a', end)).toBeNull();
    expect(limiter.holdUntilClose('a', new EventEmitter() as never)).toMatchObject({
      code: 'RL_ERR_TOO_MANY_CONNECTIONS',
    });
    expect(ends[0]!.listeners('close')[0]).toBe(ends[1]!.listeners('close')[0]);
    ends[0]!.emit('close');
    ends[0]!.emit('close');
    expect(limiter.count('a')).toBe(1);
    // An end destroyed already gives its slot back at once.
    expect(
      limiter.holdUntilClose('a', Object.assign(new EventEmitter(), { destroyed: true })),
    ).toBeNull();
    expect(limiter.count('a')).toBe(1);
    ends[1]!.emit('close');
    expect(limiter.count()).toBe(0);
  });
});

describe('connection caps on a live server', () => {
  let running: Running;
  afterEach(async () => running?.close());

  it('over the per-address cap: 503 JSON on HTTP (lanes too), close 1013 with a reason on WebSocket', async () => {
    running = await startApp({ limits: { maxConnectionsPerAddress: 3 } });
    const { base, wsBase, port, app } = running;
    const { events } = await observeTrace(running);
    const [firstLane] = await lanePorts(base);
    // Held with agent-less requests, so that no client pool keeps a spare connection open.
    const a = await holdFrom(port, '/api/channels/lobby/events');
    const b = await holdFrom(port, '/api/channels/lobby/events');
    const socket = await TestSocket.open(`${wsBase}/api/channels/lobby/ws`);
    await waitFor(() => app.lab.connectionLimiter.count('127.0.0.1') === 3);

    for (const url of [
      `${base}/api/channels/lobby/messages?since=0`,
      `http://127.0.0.1:${firstLane}/api/channels/lobby/long-poll?timeout=100`,
    ]) {
      const refused = await fetch(url);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await refused.json()) as { code: string; error: string };
      expect(body.code).toBe('RL_ERR_TOO_MANY_CONNECTIONS');
      expect(body.error).toContain('at most 3 per address');
    }
    // A publish is a channel request too.
    const post = await fetch(`${base}/api/channels/lobby/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'x', text: 'y' }),
    });
    expect(post.status).toBe(503);

    // The upgrade succeeds, then the close frame says why (a page can read code and reason).
    const over = new WebSocket(`${wsBase}/api/channels/lobby/ws?rid=over`);
    const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
      over.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    expect(closed.code).toBe(WS_CLOSE.tryAgainLater);
    expect(closed.reason).toContain('too many connections');
    await waitFor(() => events().some((e) => e.conn === 'over' && e.kind === 'close'));
    expect(events().find((e) => e.conn === 'over' && e.kind === 'error')?.details).toMatchObject({
      errorCode: 'RL_ERR_TOO_MANY_CONNECTIONS',
      closeCode: 1013,
    });

    // Outside the channels, and the observer, nothing is capped.
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    expect(app.lab.stats()).toMatchObject({ sseStreams: 2, sockets: 1 });

    // A slot comes back when its connection ends.
    a.close();
    await waitFor(() => app.lab.connectionLimiter.count() === 2);
    const id = await publish(base, 'lobby', 'room again');
    expect((await socket.next((f) => f.type === 'message')).message).toMatchObject({ id });
    b.close();
    socket.close();
    await waitFor(() => app.lab.connectionLimiter.count() === 0, 2_000, 'every slot back');
  });

  it('over the total cap: refused whichever address asks', async () => {
    running = await startApp({ limits: { maxConnectionsPerAddress: 2, maxConnectionsTotal: 3 } });
    const { port, app } = running;
    const held = [
      await holdFrom(port, '/api/channels/lobby/events', '127.0.0.1'),
      await holdFrom(port, '/api/channels/lobby/events', '127.0.0.1'),
      await holdFrom(port, '/api/channels/lobby/events', '127.0.0.2'),
    ];
    expect(held.map((h) => h.status)).toEqual([200, 200, 200]);
    await waitFor(() => app.lab.connectionLimiter.count() === 3);
    const third = await holdFrom(port, '/api/channels/lobby/messages', '127.0.0.3');
    expect(third.status).toBe(503);
    await waitFor(() => third.body().includes('}'));
    expect(JSON.parse(third.body())).toMatchObject({ code: 'RL_ERR_TOO_MANY_CONNECTIONS' });
    expect(third.body()).toContain('in total');
    held[2]!.close();
    await waitFor(() => app.lab.connectionLimiter.count() === 2);
    const again = await holdFrom(port, '/api/channels/lobby/messages', '127.0.0.3');
    expect(again.status).toBe(200);
    for (const h of [...held, third, again]) h.close();
    await waitFor(() => app.lab.connectionLimiter.count() === 0);
  });

  it('a held long poll keeps its slot until it is answered, and a refused request takes none', async () => {
    running = await startApp({ limits: { maxConnectionsPerAddress: 1 } });
    const { base, app } = running;
    const held = fetch(`${base}/api/channels/lobby/long-poll?timeout=5000`);
    await waitFor(() => app.lab.stats().heldPolls === 1);
    for (let i = 0; i < 5; i++) {
      expect((await fetch(`${base}/api/channels/lobby/messages`)).status).toBe(503);
    }
    expect(app.lab.connectionLimiter.count()).toBe(1);
    // The schedule is the server's own publish: it releases the poll without a slot of its own.
    app.lab.publish('lobby', { from: 'server', text: 'wake' }, { technique: null, conn: 't' });
    expect((await held).status).toBe(200);
    await waitFor(() => app.lab.connectionLimiter.count() === 0);
    expect((await fetch(`${base}/api/channels/lobby/messages`)).status).toBe(200);
  });
});

describe('HTTP timeouts and header size, on the main port and every lane', () => {
  let running: Running;
  afterEach(async () => running?.close());

  const limits = {
    keepAliveTimeoutMs: 300,
    headersTimeoutMs: 300,
    requestTimeoutMs: 600,
    maxHeaderSize: 2048,
  };

  it('closes idle keep-alive connections, answers slow requests 408 and big heads 431, as JSON', async () => {
    running = await startApp({ limits });
    const ports = [running.port, ...(await lanePorts(running.base))];
    expect(ports).toHaveLength(5);
    const { events } = await observeTrace(running);
    await Promise.all(
      ports.map(async (port) => {
        const host = `Host: 127.0.0.1:${port}\r\n`;

        // Keep-alive: answered, then the idle connection is closed by the server (Node adds a 1 s grace).
        const idle = await timed(() =>
          rawExchange(port, `GET /api/health HTTP/1.1\r\n${host}\r\n`, 5_000),
        );
        expect(parseAnswer(idle.value).status).toBe(200);
        expect(idle.ms).toBeGreaterThanOrEqual(250);
        expect(idle.ms).toBeLessThan(10_000);

        // A head that never ends: 408 once the headers timeout has passed.
        const slowHead = await timed(() =>
          rawExchange(port, `GET /api/channels/lobby/messages HTTP/1.1\r\n${host}X-Slow: `),
        );
        expect(parseAnswer(slowHead.value)).toEqual({
          status: 408,
          body: {
            error: expect.stringContaining('300 ms') as string,
            code: 'RL_ERR_REQUEST_TIMEOUT',
          },
        });
        expect(slowHead.ms).toBeGreaterThanOrEqual(250);
        // Far sooner than Node's defaults (no timed bound tighter than that: the machine may be busy).
        expect(slowHead.ms).toBeLessThan(10_000);

        // A body that stops short: 408 once the request timeout has passed.
        const slowBody = await timed(() =>
          rawExchange(
            port,
            `POST /api/channels/lobby/messages HTTP/1.1\r\n${host}Content-Type: application/json\r\n` +
              'Content-Length: 50\r\n\r\n{"from":"slow",',
          ),
        );
        expect(parseAnswer(slowBody.value)).toMatchObject({
          status: 408,
          body: { code: 'RL_ERR_REQUEST_TIMEOUT' },
        });
        expect(slowBody.ms).toBeGreaterThanOrEqual(550);
        expect(slowBody.ms).toBeLessThan(10_000);

        // A head over maxHeaderSize: 431 at once.
        const big = await timed(() =>
          rawExchange(
            port,
            `GET /api/health HTTP/1.1\r\n${host}X-Big: ${'b'.repeat(3000)}\r\n\r\n`,
          ),
        );
        expect(parseAnswer(big.value)).toEqual({
          status: 431,
          body: {
            error: expect.stringContaining('2048 bytes') as string,
            code: 'RL_ERR_HEADERS_TOO_LARGE',
          },
        });

        // Not HTTP at all: 400.
        const garbage = await rawExchange(port, 'HELLO THERE\r\n\r\n');
        expect(parseAnswer(garbage)).toMatchObject({
          status: 400,
          body: { code: 'RL_ERR_BAD_HTTP' },
        });

        // A connection that never sends a byte is closed, with nothing written to it.
        const silent = await timed(() => rawExchange(port, Buffer.alloc(0)));
        expect(silent.value.length).toBe(0);
        expect(silent.ms).toBeLessThan(10_000);
      }),
    );
    const refusals = events()
      .filter((e) => e.kind === 'error')
      .map((e) => e.details?.errorCode);
    for (const code of ['RL_ERR_REQUEST_TIMEOUT', 'RL_ERR_HEADERS_TOO_LARGE', 'RL_ERR_BAD_HTTP'])
      expect(refusals.filter((c) => c === code).length).toBeGreaterThanOrEqual(ports.length);
  });

  it('held polls, streams and sockets outlive the request timeout (it covers receiving the request only)', async () => {
    running = await startApp({ limits });
    const { base, wsBase, port } = running;
    const [lane] = await lanePorts(base);
    const poll = timed(() =>
      fetch(`http://127.0.0.1:${lane}/api/channels/quiet/long-poll?timeout=1500`),
    );
    const sse = await holdFrom(port, '/api/channels/lobby/events');
    const socket = await TestSocket.open(`${wsBase}/api/channels/lobby/ws`);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    const id = await publish(base, 'lobby', 'still here');
    await waitFor(() => sse.body().includes(`id: ${id}\n`));
    expect((await socket.next((f) => f.type === 'message')).message).toMatchObject({ id });
    const { value: answer, ms } = await poll;
    expect(answer.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(1_400);
    sse.close();
    socket.close();
  });
});

describe('limit options', () => {
  it('defaults leave room for the lab: compare mode, lessons and a 1000-client storm from one address', () => {
    const { limits } = resolveOptions();
    expect(limits).toEqual(DEFAULT_LIMITS);
    expect(limits.maxConnectionsPerAddress).toBeGreaterThanOrEqual(2_000);
    expect(limits.maxConnectionsTotal).toBeGreaterThanOrEqual(5_000);
    expect(limits).toMatchObject({ publishRatePerSecond: 50, publishBurst: 100 });
    expect(httpServerOptions(limits)).toMatchObject({
      maxHeaderSize: 16_384,
      keepAliveTimeout: 72_000,
      headersTimeout: 30_000,
      requestTimeout: 60_000,
      connectionsCheckingInterval: 1_000,
    });
  });

  it('refuses limits that make no sense, naming the limit', () => {
    expect(() => resolveOptions({ limits: { maxConnectionsPerAddress: 0 } })).toThrow(
      /maxConnectionsPerAddress/,
    );
    expect(() => resolveOptions({ limits: { publishBurst: 2.5 } })).toThrow(/publishBurst/);
    expect(() => resolveOptions({ limits: { publishRatePerSecond: 0 } })).toThrow(
      /publishRatePerSecond/,
    );
    expect(() =>
      resolveOptions({ limits: { headersTimeoutMs: 5_000, requestTimeoutMs: 1_000 } }),
    ).toThrow(/headersTimeoutMs/);
    expect(
      resolveOptions({ limits: { headersTimeoutMs: 0, requestTimeoutMs: 0 } }).limits,
    ).toMatchObject({ headersTimeoutMs: 0, requestTimeoutMs: 0 });
  });

  it('reads each limit from its environment variable', () => {
    expect(
      limitsFromEnv({
        LAB_MAX_CONN_PER_ADDRESS: '10',
        LAB_MAX_CONN_TOTAL: '20',
        LAB_PUBLISH_RATE: '2.5',
        LAB_PUBLISH_BURST: '5',
        LAB_KEEP_ALIVE_TIMEOUT_MS: '1000',
        LAB_HEADERS_TIMEOUT_MS: '2000',
        LAB_REQUEST_TIMEOUT_MS: '3000',
        LAB_MAX_HEADER_SIZE: '4096',
        PORT: '9',
      }),
    ).toEqual({
      maxConnectionsPerAddress: 10,
      maxConnectionsTotal: 20,
      publishRatePerSecond: 2.5,
      publishBurst: 5,
      keepAliveTimeoutMs: 1000,
      headersTimeoutMs: 2000,
      requestTimeoutMs: 3000,
      maxHeaderSize: 4096,
    });
    expect(limitsFromEnv({ LAB_PUBLISH_RATE: '' })).toEqual({});
    expect(() => limitsFromEnv({ LAB_PUBLISH_RATE: 'fast' })).toThrow(/LAB_PUBLISH_RATE/);
    expect(() => limitsFromEnv({ LAB_MAX_CONN_TOTAL: '-1' })).toThrow(/LAB_MAX_CONN_TOTAL/);
    expect(() => limitsFromEnv({ LAB_MAX_CONN_TOTAL: '0' })).toThrow(/LAB_MAX_CONN_TOTAL/);
    expect(() => limitsFromEnv({ LAB_PUBLISH_BURST: '1.5' })).toThrow(/LAB_PUBLISH_BURST/);
    expect(() => limitsFromEnv({ LAB_REQUEST_TIMEOUT_MS: '10000' })).toThrow(
      /LAB_HEADERS_TIMEOUT_MS \(30000\) must be from 1 to LAB_REQUEST_TIMEOUT_MS/,
    );
  });

  it('server/main.ts applies the environment, and refuses a bad value with a sentence', async () => {
    const run = spawnLab;

    const bad = run({ LAB_MAX_HEADER_SIZE: 'huge' });
    let stderr = '';
    bad.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => bad.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('LAB_MAX_HEADER_SIZE');

    // One token, refilled every 100 s: the second publish is refused however slow the machine.
    const child = run({
      LAB_MAX_HEADER_SIZE: '2048',
      LAB_PUBLISH_BURST: '1',
      LAB_PUBLISH_RATE: '0.01',
    });
    try {
      const url = await printedUrl(child);
      const port = Number(new URL(url).port);
      const big = await rawExchange(
        port,
        `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'b'.repeat(3000)}\r\n\r\n`,
      );
      expect(parseAnswer(big).status).toBe(431);
      const post = () =>
        fetch(`${url}/api/channels/lobby/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from: 'a', text: 'b' }),
        });
      expect((await post()).status).toBe(201);
      expect((await post()).status).toBe(429);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
