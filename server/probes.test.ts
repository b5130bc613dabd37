/**
 * The outside tester's probes (issue 13), kept as a seeded test so that they
 * keep holding: WebSocket framing a conforming client never sends gets its RFC
 * 6455 close code, bad HTTP input gets its 4xx with the lab's JSON error, and a
 * request head (or body) trickled byte by byte is cut by the short timeouts
 * given through `limits`. Each class of probe runs a few seeded variants
 * (`PROBE_SEED=<n> npx vitest run server/probes` reproduces a run; the seed is
 * printed). The fixed cases of ws-frames.test.ts, limits.test.ts and the random
 * mix of fuzz.test.ts are not repeated here. Bounded: well under 20 s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, WS_CLOSE, WS_OPCODES } from '../src/core';
import { startApp, type Running } from './test/helpers';
import { rawExchange } from './test/clients';
import { clientFrame } from './test/frame-codec';
import { RawWebSocket } from './test/raw-websocket';
import { asciiText, int, parseAnswer, pick, upgradeHead, type Random } from './test/probe-kit';

const SEED = Number(process.env.PROBE_SEED ?? 20_261_203);
/** Seeded variants of each probe class. */
const VARIANTS = 3;
const BODY_LIMIT = 1_024;
const LIMITS = { headersTimeoutMs: 400, requestTimeoutMs: 800, maxHeaderSize: 2_048 };

const { text, binary, continuation, close, ping, pong } = WS_OPCODES;

interface FramingProbe {
  name: string;
  frames: Buffer[];
  /** The close code the server must answer with (RFC 6455 §7.4.1). */
  closeCode: number;
}

/** Byte sequences that are not UTF-8 (RFC 3629): stray, overlong, surrogate, past U+10FFFF, cut short. */
const BAD_UTF8 = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc3, 0x28]];
/** Close codes an endpoint may not send (RFC 6455 §7.4.1–2; ws's validation.js). */
const BAD_CLOSE_CODES = [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65_535];
const RESERVED_OPCODES = [3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf];

function closePayload(code: number): Buffer {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code);
  return payload;
}

/** One seeded variant of every framing probe class. */
function framingProbes(r: Random): FramingProbe[] {
  const json = (): string => JSON.stringify({ op: 'publish', text: asciiText(r, 1, 40) });
  const badUtf8 = Buffer.concat([
    Buffer.from(asciiText(r, 0, 20)),
    Buffer.from(pick(r, BAD_UTF8)),
    Buffer.from(asciiText(r, 0, 20)),
  ]);
  const badCode = pick(r, BAD_CLOSE_CODES);
  const controlOp = pick(r, [ping, pong]);
  const rsv = int(r, 1, 7);
  return [
    {
      name: 'an unmasked client frame',
      frames: [clientFrame(pick(r, [text, binary]), json(), { masked: false })],
      closeCode: WS_CLOSE.protocolError,
    },
    {
      name: 'a reserved opcode',
      frames: [clientFrame(pick(r, RESERVED_OPCODES), asciiText(r, 0, 10))],
      closeCode: WS_CLOSE.protocolError,
    },
    {
      name: `RSV bits ${rsv.toString(2).padStart(3, '0')} with no extension`,
      frames: [clientFrame(text, json(), { rsv })],
      closeCode: WS_CLOSE.protocolError,
    },
    {
      name: 'a control frame over 125 bytes',
      frames: [clientFrame(controlOp, Buffer.alloc(int(r, 126, 400), 0x61))],
      closeCode: WS_CLOSE.protocolError,
    },
    {
      name: 'a fragmented control frame',
      frames: [clientFrame(controlOp, asciiText(r, 0, 20), { fin: false })],
      closeCode: WS_CLOSE.protocolError,
    },
    {
      name: 'bad UTF-8 in a text frame',
      frames: [clientFrame(text, badUtf8)],
      closeCode: WS_CLOSE.invalidData,
    },
    {
      name: `close code ${badCode}`,
      frames: [clientFrame(close, closePayload(badCode))],
      closeCode: WS_CLOSE.protocolError,
    },
    {
      name: 'a close frame with a 1-byte payload',
      frames: [clientFrame(close, Buffer.from([int(r, 0, 255)]))],
      closeCode: WS_CLOSE.protocolError,
    },
    {
      name: 'a text frame over the body limit',
      frames: [clientFrame(text, Buffer.alloc(BODY_LIMIT + int(r, 1, 2_000), 0x61))],
      closeCode: WS_CLOSE.messageTooBig,
    },
    {
      name: 'fragments adding up to more than the body limit',
      frames: [
        clientFrame(text, Buffer.alloc(BODY_LIMIT - int(r, 0, 100), 0x61), { fin: false }),
        clientFrame(continuation, Buffer.alloc(int(r, 101, 500), 0x61)),
      ],
      closeCode: WS_CLOSE.messageTooBig,
    },
  ];
}

interface HttpProbe {
  name: string;
  request: string;
  status: number;
  code: string;
}

/** One seeded variant of every bad-HTTP probe class, aimed at `port`. */
function httpProbes(r: Random, port: number): HttpProbe[] {
  const host = `Host: 127.0.0.1:${port}\r\n`;
  const post = (contentType: string, body: string): string =>
    `POST /api/channels/probe/messages HTTP/1.1\r\n${host}Content-Type: ${contentType}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
  const good = JSON.stringify({ from: asciiText(r, 1, 10), text: asciiText(r, 1, 30) });
  const hostCase = pick(r, ['Host', 'host', 'HOST']);
  return [
    {
      name: 'bad percent-encoding in the path',
      request: `GET ${pick(r, ['/api/channels/%ZZ/messages', '/api/channels/lobby%/events', '/api/%E0%A4%A', '/%G1', '/api/channels/%C0%AF/ws'])} HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
      status: 400,
      code: 'RL_ERR_NOT_FOUND',
    },
    {
      name: 'a head over maxHeaderSize',
      request: `GET /api/health HTTP/1.1\r\n${host}X-Pad: ${'p'.repeat(int(r, LIMITS.maxHeaderSize + 1, 3 * LIMITS.maxHeaderSize))}\r\nConnection: close\r\n\r\n`,
      status: 431,
      code: 'RL_ERR_HEADERS_TOO_LARGE',
    },
    {
      name: 'a body that is not application/json',
      request: post(
        pick(r, [
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded',
          'application/jsonx',
        ]),
        good,
      ),
      status: 415,
      code: 'RL_ERR_UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: 'a body that is not JSON',
      request: post(
        'application/json',
        pick(r, ['{', 'nope', '{"from":', "{'a':1}", '[1,2', good.slice(0, -1)]),
      ),
      status: 400,
      code: 'RL_ERR_BAD_JSON',
    },
    {
      name: 'two Host headers',
      request: `GET /api/health HTTP/1.1\r\n${host}${hostCase}: ${pick(r, [`127.0.0.1:${port}`, 'rebind.example', 'localhost'])}\r\nConnection: close\r\n\r\n`,
      status: 400,
      code: 'RL_ERR_BAD_HOST_HEADER',
    },
    {
      name: 'no Host header',
      request: pick(r, [
        'GET /api/health HTTP/1.1\r\nConnection: close\r\n\r\n',
        post('application/json', good).replace(host, ''),
        upgradeHead('/api/channels/lobby/ws', ''),
      ]),
      status: 400,
      code: 'RL_ERR_BAD_HOST_HEADER',
    },
    {
      name: 'a path that climbs out of the root',
      request: `GET ${pick(r, ['/../lobby', '/a/../../etc/passwd', '/%2e%2e/x', '/.%2e/x', '/assets/../../x', '//x', '/./index.html'])} HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
      status: 403,
      code: 'RL_ERR_BAD_PATH',
    },
  ];
}

/**
 * Writes `prefix` at once, then `request` one byte every `gapMs`, and collects
 * the answer until the server closes; reports how long that took and how much
 * of the request went.
 */
function trickle(
  port: number,
  request: string,
  gapMs: number,
  prefix = '',
): Promise<{ answer: Buffer; ms: number; sent: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let sent = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`a trickled request was not cut within 5 s (${sent} bytes sent)`));
    }, 5_000);
    socket.on('connect', () => {
      if (prefix) socket.write(prefix);
      timer = setInterval(() => {
        if (sent < request.length && socket.writable) socket.write(request[sent++]!);
      }, gapMs);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(guard);
      resolve({ answer: Buffer.concat(chunks), ms: Date.now() - started, sent });
    });
  });
}

describe(`outside probes (seed ${SEED})`, () => {
  let running: Running;
  let dir: string;
  let random: Random;

  beforeAll(async () => {
    console.log(`server/probes.test.ts seed ${SEED} (PROBE_SEED=${SEED} reproduces this run)`);
    random = seededRandom(SEED);
    dir = mkdtempSync(join(tmpdir(), 'lab-probes-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Realtime Lab</title>');
    running = await startApp({ staticDir: dir, bodyLimit: BODY_LIMIT, limits: LIMITS });
  });
  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('closes every framing error with its RFC 6455 code', async () => {
    const probes = Array.from({ length: VARIANTS }, () => framingProbes(random)).flat();
    const results = await Promise.all(
      probes.map(async (probe, i) => {
        const socket = await RawWebSocket.open(running.port, `/api/channels/probe-${i}/ws`);
        try {
          for (const frame of probe.frames) socket.write(frame);
          const { code } = await socket.closedWith(3_000);
          return { name: probe.name, code };
        } finally {
          socket.destroy();
        }
      }),
    );
    expect(results).toEqual(probes.map((p) => ({ name: p.name, code: p.closeCode })));
    // Still up, and nothing is left open.
    expect((await fetch(`${running.base}/api/health`)).status).toBe(200);
  });

  it('answers every bad HTTP input with its 4xx and the lab JSON error', async () => {
    const probes = Array.from({ length: VARIANTS }, () => httpProbes(random, running.port)).flat();
    const results = await Promise.all(
      probes.map(async (probe) => {
        const answer = parseAnswer(await rawExchange(running.port, probe.request, 3_000));
        return {
          name: probe.name,
          status: answer.status,
          json: answer.contentType?.startsWith('application/json') ?? false,
          code: answer.body?.code,
          sentence: typeof answer.body?.error === 'string' && answer.body.error.length > 0,
        };
      }),
    );
    expect(results).toEqual(
      probes.map((p) => ({
        name: p.name,
        status: p.status,
        json: true,
        code: p.code,
        sentence: true,
      })),
    );
  });

  it('cuts a request trickled byte by byte within the short header and request timeouts', async () => {
    const host = `Host: 127.0.0.1:${running.port}\r\n`;
    const pad = (): string => `X-Pad: ${'s'.repeat(400)}\r\n`;
    const heads = Array.from({ length: VARIANTS }, () =>
      pick(random, [
        `GET /api/health HTTP/1.1\r\n${host}${pad()}\r\n`,
        `GET /api/channels/lobby/events HTTP/1.1\r\n${host}Accept: text/event-stream\r\n${pad()}\r\n`,
        upgradeHead('/api/channels/lobby/ws', `${host}${pad()}`),
      ]),
    );
    const body = JSON.stringify({ from: 'slow', text: 's'.repeat(400) });
    const slowBody =
      `POST /api/channels/lobby/messages HTTP/1.1\r\n${host}Content-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\n\r\n${body}`;
    const gap = (): number => int(random, 5, 25);
    const [bodyCut, ...headCuts] = await Promise.all([
      // The head goes at once, the body a byte at a time: the request timeout cuts it.
      trickle(
        running.port,
        slowBody.slice(slowBody.indexOf('\r\n\r\n') + 4),
        gap(),
        slowBody.slice(0, slowBody.indexOf('\r\n\r\n') + 4),
      ),
      ...heads.map((head) => trickle(running.port, head, gap())),
    ]);
    console.log(
      `trickled heads cut after ${headCuts.map((c) => c.ms).join(', ')} ms (headersTimeoutMs ${LIMITS.headersTimeoutMs}); ` +
        `trickled body after ${bodyCut.ms} ms (requestTimeoutMs ${LIMITS.requestTimeoutMs})`,
    );
    for (const cut of headCuts) {
      expect(parseAnswer(cut.answer)).toMatchObject({
        status: 408,
        body: { code: 'RL_ERR_REQUEST_TIMEOUT' },
      });
      expect(cut.ms).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs - 50);
      // Node checks the timeouts every 50 ms here; the rest is a busy machine's slack.
      expect(cut.ms).toBeLessThan(LIMITS.headersTimeoutMs + 1_500);
      expect(cut.sent).toBeLessThan(heads[0]!.length);
    }
    expect(parseAnswer(bodyCut.answer)).toMatchObject({
      status: 408,
      body: { code: 'RL_ERR_REQUEST_TIMEOUT' },
    });
    expect(bodyCut.ms).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs - 50);
    expect(bodyCut.ms).toBeLessThan(LIMITS.requestTimeoutMs + 1_500);
    expect(bodyCut.sent).toBeLessThan(body.length);
  });
});
