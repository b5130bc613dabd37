/**
 * Fuzz: a few hundred malformed requests, seeded so that a failure
 * reproduces (`FUZZ_SEED=<n> npx vitest run server/fuzz`; `FUZZ_CASES=<n>` for a
 * longer run, still cut at 25 s), thrown at a real
 * server over raw TCP, fetch and hand-built WebSocket frames, while a
 * well-behaved SSE reader and short poller keep listening. The server must
 * never answer 5xx (nor close a WebSocket with 1011), must stay up, and the
 * good clients must get every message of their channels, in order.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, WS_OPCODES } from '../src/core';
import { startApp, type Running } from './test/helpers';
import { waitFor } from './test/wait-for';
import { openSse } from './test/clients';
import { clientFrame } from './test/frame-codec';
import { RawWebSocket } from './test/raw-websocket';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_129);
const CASES = Number(process.env.FUZZ_CASES ?? 360);
/** No new case starts after this long; each case is bounded too. */
const BUDGET_MS = 25_000;
const PARALLEL = 8;

type Random = () => number;

const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const int = (r: Random, min: number, max: number): number =>
  min + Math.floor(r() * (max - min + 1));
const chance = (r: Random, p: number): boolean => r() < p;

function randomBytes(r: Random, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = int(r, 0, 255);
  return bytes;
}

/** Channels the good clients use: fuzz may hit them (not with schedules), never disturb them. */
const GOOD_SSE = 'steady';
const GOOD_POLL = 'steady-poll';

const CHANNELS = [
  'lobby',
  'fuzz-a',
  GOOD_SSE,
  GOOD_POLL,
  'Bad!',
  'UPPER',
  '%ZZ',
  '%00',
  '%2e%2e',
  '..',
  'a'.repeat(65),
  'b'.repeat(150),
  'é',
  '%E0%A4%A',
  '',
];
const ENDPOINTS = ['messages', 'long-poll', 'events', 'ws', 'schedule', 'telepathy', ''];
const OTHER_PATHS = [
  '/api/health',
  '/api/lanes',
  '/api/faults',
  '/api/observe',
  '/api/nothing',
  '/api/%',
  '/api/channels',
  '/api/channels/',
  '/',
  '/index.html',
  '/../../etc/passwd',
  '//api//health',
  '/api/channels/lobby/messages/../../../faults',
];
const ID_VALUES = [
  '0',
  '3',
  '-1',
  'abc',
  '1e3',
  '1.5',
  '99999999999999999999',
  '',
  '%00',
  '0x10',
  ' 7',
];
const MS_VALUES = ['0', '50', '-1', 'x', '999999', '1e2', '', '250', '120001'];
const LABELS = ['alice', 'Bad Label', 'a'.repeat(40), '%20', 'bob', ''];

function randomQuery(r: Random): string {
  const params: string[] = [];
  const n = int(r, 0, 3);
  for (let i = 0; i < n; i++) {
    const name = pick(r, [
      'since',
      'timeout',
      'lastEventId',
      'retry',
      'heartbeat',
      'client',
      'rid',
      'x',
      '%zz',
    ]);
    const value =
      name === 'since' || name === 'lastEventId'
        ? pick(r, ID_VALUES)
        : name === 'client' || name === 'rid'
          ? pick(r, LABELS)
          : pick(r, MS_VALUES);
    params.push(`${name}=${value}`);
  }
  if (chance(r, 0.05)) params.push('since=' + '9'.repeat(3000));
  return params.length > 0 ? `?${params.join('&')}` : '';
}

function randomPath(r: Random, forWebSocket = false): string {
  if (!forWebSocket && chance(r, 0.15)) return pick(r, OTHER_PATHS) + randomQuery(r);
  const channel = pick(r, CHANNELS);
  const endpoint = forWebSocket ? 'ws' : pick(r, ENDPOINTS);
  const path = `/api/channels/${channel}/${endpoint}`;
  // Long polls the fuzz opens never hold for long: the case is cut at its deadline anyway.
  return path + randomQuery(r);
}

function randomJsonBody(r: Random): string {
  return pick(r, [
    () => '{"from":',
    () => '',
    () => 'null',
    () => '[1,2,3]',
    () => '"text"',
    () => '{"from":"fuzz","text":"ok"}',
    () => '{"from":"","text":"x"}',
    () => '{"from":"fuzz","text":5}',
    () => '{"from":"fuzz","text":"x","type":"a b"}',
    () => '{"from":"fuzz","text":"x","sentAt":"soon"}',
    () => '{"from":"fuzz","text":"x","extra":true}',
    () => '{"__proto__":{"polluted":true},"from":"fuzz","text":"x"}',
    () => '{"constructor":{"prototype":{"polluted":true}},"from":"f","text":"x"}',
    () => '['.repeat(4000) + ']'.repeat(4000),
    () => JSON.stringify({ from: 'fuzz', text: 'x'.repeat(20_000) }),
    () => '{"from":"fuzz","text":"\\ud800"}',
    () => '{"rate":50,"count":3}',
    () => '{"rate":0,"count":-1}',
    () => '{"latencyMs":{"up":-5}}',
    () => '{"dorp":true}',
    () => '{"restart":{}}',
    () => randomBytes(r, int(r, 1, 200)).toString('latin1'),
  ])();
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json;;;',
  'APPLICATION/JSON',
  '',
];

/** What one case observed: statuses seen, a WebSocket close code, and what it sent (to reproduce). */
interface Outcome {
  what: string;
  statuses: number[];
  closeCode?: number;
  /** 4xx answers from fetch whose body was not the lab's JSON error. */
  notJson?: string;
}

const STATUS_LINE = /(?:^|\r\n)HTTP\/1\.[01] (\d{3}) /g;

function statusesIn(bytes: Buffer): number[] {
  return [...bytes.toString('latin1').matchAll(STATUS_LINE)].map((m) => Number(m[1]));
}

/** Writes bytes on a fresh TCP connection; collects the answer until close, 250 ms of quiet, or 1.5 s. */
function rawCase(port: number, bytes: Buffer, sockets: Set<Socket>): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    sockets.add(socket);
    const chunks: Buffer[] = [];
    let quiet: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(deadline);
      clearTimeout(quiet);
      socket.destroy();
      sockets.delete(socket);
      resolve(Buffer.concat(chunks));
    };
    const deadline = setTimeout(done, 1_500);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      clearTimeout(quiet);
      quiet = setTimeout(done, 250);
    });
    socket.on('error', done);
    socket.on('close', done);
  });
}

function rawHttpBytes(r: Random, port: number): { bytes: Buffer; what: string } {
  const method = pick(r, [
    'GET',
    'POST',
    'PUT',
    'DELETE',
    'OPTIONS',
    'HEAD',
    'PATCH',
    'BREW',
    'G ET',
    'GET\0',
    '',
  ]);
  const target = chance(r, 0.1)
    ? pick(r, ['*', 'http://evil.example/api/health', '/%', 'api/health', '/\x7f', '/a b'])
    : randomPath(r);
  const version = pick(r, [
    'HTTP/1.1',
    'HTTP/1.1',
    'HTTP/1.1',
    'HTTP/1.0',
    'HTTP/2.0',
    'HTTP/1.1x',
    '',
  ]);
  const headers: string[] = [];
  if (!chance(r, 0.1))
    headers.push(`Host: ${chance(r, 0.9) ? `127.0.0.1:${port}` : 'evil.example'}`);
  const body = chance(r, 0.5) ? Buffer.from(randomJsonBody(r), 'latin1') : Buffer.alloc(0);
  const extras = [
    () => `Content-Type: ${pick(r, CONTENT_TYPES)}`,
    () => `Content-Length: ${body.length}`,
    () => `Content-Length: ${pick(r, ['-1', 'abc', '99999999', '0', `${body.length + 10}`])}`,
    () => `Content-Length: ${body.length}\r\nContent-Length: ${body.length + 1}`,
    () => 'Transfer-Encoding: chunked',
    () => 'Transfer-Encoding: gzip, chunked',
    () =>
      `Last-Event-ID: ${pick(r, ['5', 'yesterday', '-1', '9'.repeat(40), '\x01', '7'.repeat(20_000)])}`,
    () => `Origin: ${pick(r, ['http://evil.example', 'null', `http://127.0.0.1:${port}`, ''])}`,
    () => 'Upgrade: websocket\r\nConnection: Upgrade',
    () => 'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: bad',
    () => 'X-Bad Header: 1',
    () => ' X-Leading: space',
    () => 'X-Nul: a\0b',
    () => 'NoColonHere',
    () => `X-Huge: ${'h'.repeat(int(r, 10_000, 40_000))}`,
    () => Array.from({ length: 300 }, (_, i) => `X-Many-${i}: ${i}`).join('\r\n'),
    () => 'Expect: 100-continue',
    () => 'Connection: close',
  ];
  const n = int(r, 0, 4);
  for (let i = 0; i < n; i++) headers.push(pick(r, extras)());
  let head = `${method} ${target} ${version}\r\n${headers.join('\r\n')}\r\n\r\n`;
  if (chance(r, 0.05)) head = head.replace(/\r\n/g, '\n');
  let bytes = Buffer.concat([Buffer.from(head, 'latin1'), body]);
  if (head.includes('chunked') && chance(r, 0.7)) {
    bytes = Buffer.concat([
      Buffer.from(head, 'latin1'),
      Buffer.from(
        pick(r, [
          'zz\r\nabc\r\n0\r\n\r\n',
          '5\r\nab\r\n0\r\n\r\n',
          'ffffffffffffffff\r\n',
          '3;ext\r\nabc\r\n0\r\n\r\n',
        ]),
        'latin1',
      ),
    ]);
  }
  let what = `raw ${JSON.stringify(head.slice(0, 160))} +${bytes.length - head.length}B`;
  if (chance(r, 0.2)) {
    const cut = int(r, 1, Math.max(1, bytes.length - 1));
    bytes = bytes.subarray(0, cut);
    what += ` cut at ${cut}`;
  }
  if (chance(r, 0.08)) {
    bytes = Buffer.concat([
      bytes,
      Buffer.from(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`),
    ]);
    what += ' + pipelined health';
  }
  return { bytes, what };
}

async function fetchCase(r: Random, base: string): Promise<Outcome> {
  const method = pick(r, [
    'GET',
    'GET',
    'POST',
    'POST',
    'PUT',
    'DELETE',
    'PATCH',
    'OPTIONS',
    'HEAD',
  ]);
  const path = randomPath(r);
  const headers: Record<string, string> = {};
  if (chance(r, 0.6)) headers['content-type'] = pick(r, CONTENT_TYPES);
  if (chance(r, 0.2))
    headers['last-event-id'] = pick(r, [
      '5',
      'yesterday',
      '-1',
      '1.5',
      '9'.repeat(30),
      'x'.repeat(20_000),
    ]);
  if (chance(r, 0.1))
    headers.origin = pick(r, ['http://evil.example', 'null', 'http://127.0.0.1:5173']);
  if (chance(r, 0.05)) headers['x-huge'] = 'h'.repeat(int(r, 17_000, 40_000));
  const body = method === 'GET' || method === 'HEAD' ? undefined : randomJsonBody(r);
  const what = `fetch ${method} ${path.slice(0, 160)} ${JSON.stringify(headers).slice(0, 120)} body ${JSON.stringify((body ?? '').slice(0, 80))}`;
  const controller = new AbortController();
  const deadline = setTimeout(() => controller.abort(), 1_000);
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: controller.signal,
    });
    const outcome: Outcome = { what, statuses: [res.status] };
    if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
      controller.abort();
      return outcome;
    }
    const text = await res.text().catch(() => '');
    if (res.status >= 400 && method !== 'HEAD') {
      let code: unknown;
      try {
        code = (JSON.parse(text) as { code?: unknown }).code;
      } catch {
        code = undefined;
      }
      if (typeof code !== 'string' || !code.startsWith('RL_ERR_'))
        outcome.notJson = text.slice(0, 200);
    }
    return outcome;
  } catch {
    // Cut by our own deadline (a held poll), or refused by fetch itself: nothing seen.
    return { what, statuses: [] };
  } finally {
    clearTimeout(deadline);
    controller.abort();
  }
}

function randomFrames(r: Random): { frames: Buffer[]; what: string[] } {
  const { text, binary, continuation, close, ping, pong } = WS_OPCODES;
  const makers: [string, () => Buffer[]][] = [
    [
      'publish',
      () => [clientFrame(text, JSON.stringify({ op: 'publish', text: `fuzz ${int(r, 0, 99)}` }))],
    ],
    [
      'publish bad fields',
      () => [
        clientFrame(
          text,
          pick(r, [
            '{"op":"publish"}',
            '{"op":"publish","text":1}',
            '{"op":"publish","text":"x","type":"a b"}',
            '{"op":"publish","text":"x","from":""}',
            '{"op":"publish","text":"x","sentAt":"now"}',
            `{"op":"publish","text":"x","ref":"${'r'.repeat(70)}"}`,
          ]),
        ),
      ],
    ],
    [
      'resume',
      () => [
        clientFrame(
          text,
          JSON.stringify({ op: 'resume', since: pick(r, [0, 3, -1, 1.5, 1e20, 'x', null]) }),
        ),
      ],
    ],
    [
      'unknown op',
      () => [
        clientFrame(
          text,
          pick(r, ['{"op":"dance"}', '{}', '[]', '5', 'null', '{"op":{"$gt":""}}']),
        ),
      ],
    ],
    ['not JSON', () => [clientFrame(text, pick(r, ['hello', '{"op":', '\u0000', '']))]],
    ['deep JSON', () => [clientFrame(text, '['.repeat(3000) + ']'.repeat(3000))]],
    ['invalid UTF-8', () => [clientFrame(text, Buffer.from([0xc3, 0x28, 0xff]))]],
    ['binary', () => [clientFrame(binary, randomBytes(r, int(r, 0, 300)))]],
    ['ping', () => [clientFrame(ping, randomBytes(r, int(r, 0, 125)))]],
    ['pong', () => [clientFrame(pong, randomBytes(r, int(r, 0, 20)))]],
    [
      'close',
      () => [clientFrame(close, Buffer.from([pick(r, [3, 0, 0x27]), pick(r, [0xe8, 0xe7, 0x10])]))],
    ],
    [
      'reserved opcode',
      () => [clientFrame(pick(r, [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), randomBytes(r, 4))],
    ],
    ['lone continuation', () => [clientFrame(continuation, '"x"')]],
    [
      'fragmented publish',
      () => [
        clientFrame(text, '{"op":"publish",', { fin: false }),
        clientFrame(continuation, '"text":"frag"}'),
      ],
    ],
    ['unmasked', () => [clientFrame(text, '{}', { masked: false })]],
    ['rsv bits', () => [clientFrame(text, '{}', { rsv: int(r, 1, 7) })]],
    [
      'oversize announce',
      () => [
        clientFrame(binary, Buffer.alloc(0), {
          announcedLength: pick(r, [1 << 20, 2 ** 40, 2 ** 53]),
        }),
      ],
    ],
    ['too big text', () => [clientFrame(text, 'x'.repeat(17_000))]],
    ['random bytes', () => [randomBytes(r, int(r, 1, 64))]],
  ];
  const frames: Buffer[] = [];
  const what: string[] = [];
  const n = int(r, 1, 5);
  for (let i = 0; i < n; i++) {
    const [name, make] = pick(r, makers);
    what.push(name);
    frames.push(...make());
  }
  return { frames, what };
}

async function webSocketCase(r: Random, port: number, sockets: Set<Socket>): Promise<Outcome> {
  const path = randomPath(r, true);
  const { frames, what } = randomFrames(r);
  const outcome: Outcome = {
    what: `ws ${path.slice(0, 160)} frames ${what.join(', ')}`,
    statuses: [],
  };
  let raw: RawWebSocket;
  try {
    raw = await RawWebSocket.open(port, path);
  } catch (err) {
    // Refused before the upgrade: the status line says how.
    const status = /^HTTP\/1\.1 (\d{3})/.exec(String((err as Error).message))?.[1];
    if (status) outcome.statuses.push(Number(status));
    return outcome;
  }
  sockets.add(raw.socket);
  outcome.statuses.push(101);
  for (const frame of frames) raw.write(frame);
  await waitFor(() => raw.ended || raw.closeFrame !== null, 300).catch(() => {});
  if (raw.closeFrame) outcome.closeCode = raw.closeFrame.code;
  raw.destroy();
  sockets.delete(raw.socket);
  return outcome;
}

describe('fuzz: malformed HTTP and WebSocket input', () => {
  let running: Running;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    running = await startApp({
      // Short enough that a truncated request is answered 408 within a case's deadline.
      limits: { headersTimeoutMs: 800, requestTimeoutMs: 1_000, keepAliveTimeoutMs: 1_000 },
    });
    running.app.server.on('connection', (socket: Socket) => {
      serverSockets.add(socket);
      socket.once('close', () => serverSockets.delete(socket));
    });
  });
  /** The server's side of every connection, so that a failed run still stops (the test checks them first). */
  const serverSockets = new Set<Socket>();

  afterAll(async () => {
    for (const socket of [...sockets, ...serverSockets]) socket.destroy();
    await running?.close();
  });

  it(`never answers 5xx, stays up, and good clients get every message (seed ${SEED})`, async () => {
    const { base, port, app } = running;

    // The well-behaved clients: an SSE reader and a short poller, each fed by a steady publisher.
    const reader = await openSse(`${base}/api/channels/${GOOD_SSE}/events?client=reader`);
    const polled: number[] = [];
    let polling = true;
    const poller = (async () => {
      let since = 0;
      while (polling) {
        const res = await fetch(
          `${base}/api/channels/${GOOD_POLL}/messages?since=${since}&client=poller`,
        );
        expect(res.status).toBe(200);
        const body = (await res.json()) as { messages: { id: number }[]; lastId: number };
        polled.push(...body.messages.map((m) => m.id));
        since = body.lastId;
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
    })();
    let publishing = true;
    const publisher = (async () => {
      let n = 0;
      while (publishing) {
        n += 1;
        for (const channel of [GOOD_SSE, GOOD_POLL]) {
          const res = await fetch(
            `${base}/api/channels/${channel}/messages?client=good-${channel}`,
            {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ from: 'good', text: `good ${n}` }),
            },
          );
          expect(res.status).toBe(201);
        }
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();

    // The fuzz: CASES cases, PARALLEL at a time, each from its own seeded stream.
    const outcomes: Outcome[] = [];
    const started = Date.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < CASES && Date.now() - started < BUDGET_MS) {
        const index = next++;
        const r = seededRandom((SEED + Math.imul(index + 1, 0x9e3779b9)) >>> 0);
        const kind = pick(r, ['raw', 'raw', 'fetch', 'fetch', 'ws']);
        let outcome: Outcome;
        if (kind === 'raw') {
          const { bytes, what } = rawHttpBytes(r, port);
          outcome = { what, statuses: statusesIn(await rawCase(port, bytes, sockets)) };
        } else if (kind === 'fetch') outcome = await fetchCase(r, base);
        else outcome = await webSocketCase(r, port, sockets);
        outcome.what = `#${index} ${outcome.what}`;
        outcomes.push(outcome);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));

    publishing = false;
    await publisher;
    polling = false;
    await poller;

    // Bounded: every case ran (or the budget stopped it), and none took the server down.
    expect(outcomes.length).toBeGreaterThanOrEqual(Math.min(CASES, 100));
    const failures = outcomes.filter(
      (o) => o.statuses.some((s) => s >= 500) || o.closeCode === 1011 || o.notJson !== undefined,
    );
    expect(failures, `seed ${SEED}`).toEqual([]);
    // The fuzz saw a spread of answers, not just one kind of refusal.
    const seen = new Set(outcomes.flatMap((o) => o.statuses));
    for (const status of [101, 200, 400, 404, 408, 413, 415, 431]) expect(seen).toContain(status);
    expect((await fetch(`${base}/api/health`)).status).toBe(200);

    // The good clients got every message of their channels, in id order, no gap, no duplicate.
    const sseLast = app.lab.hub.channel(GOOD_SSE).lastId;
    await waitFor(
      () => reader.reader.events().length >= sseLast,
      3_000,
      'the SSE reader to catch up',
    );
    expect(reader.reader.events().map((e) => Number(e.id))).toEqual(
      Array.from({ length: sseLast }, (_, i) => i + 1),
    );
    const pollLast = app.lab.hub.channel(GOOD_POLL).lastId;
    const res = await fetch(
      `${base}/api/channels/${GOOD_POLL}/messages?since=${polled.at(-1) ?? 0}`,
    );
    polled.push(
      ...((await res.json()) as { messages: { id: number }[] }).messages.map((m) => m.id),
    );
    expect(polled).toEqual(Array.from({ length: pollLast }, (_, i) => i + 1));
    reader.abort();

    // Nothing the fuzz opened outlives it.
    for (const socket of sockets) socket.destroy();
    await waitFor(
      () => {
        const stats = app.lab.stats();
        return stats.sseStreams === 0 && stats.sockets === 0 && stats.heldPolls === 0;
      },
      3_000,
      'every stream, socket and poll to be released',
    );
    await waitFor(() => app.lab.connectionLimiter.count() === 0, 3_000, 'every slot back');
    // And no TCP connection either (upgrades included): idle ones go at once, silent ones at the
    // headers timeout; one left over would be a socket the server forgot.
    app.server.closeIdleConnections();
    let open = -1;
    await waitFor(
      () => {
        app.server.getConnections((_error, count) => (open = count));
        return open === 0;
      },
      4_000,
      'every TCP connection to close',
    ).catch(() => {
      throw new Error(`${open} TCP connection(s) left open after the fuzz`);
    });
  }, 60_000);
});
