/** Shared helpers of the server tests: a real app on a free port, WebSocket and SSE clients with bounded waits. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import {
  SseParser,
  WS_OPCODES,
  wsFrameHeaderBytes,
  type SseItem,
  type TraceEventInput,
} from '../src/core';
import { buildApp, type ServerOptionsInput } from './app';

export interface Running {
  app: FastifyInstance;
  port: number;
  base: string;
  wsBase: string;
  close: () => Promise<void>;
}

export async function startApp(options: ServerOptionsInput = {}): Promise<Running> {
  const app = await buildApp({ logLevel: 'silent', ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return {
    app,
    port: address.port,
    base: `http://127.0.0.1:${address.port}`,
    wsBase: `ws://127.0.0.1:${address.port}`,
    close: () => app.close(),
  };
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 2_000,
  what = 'condition',
): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function publish(
  base: string,
  ch: string,
  text: string,
  from = 'alice',
): Promise<number> {
  const res = await fetch(`${base}/api/channels/${ch}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, text }),
  });
  if (res.status !== 201) throw new Error(`publish answered ${res.status}`);
  return ((await res.json()) as { id: number }).id;
}

/** A WebSocket whose received JSON frames queue up until a test takes them. */
export class TestSocket {
  readonly frames: unknown[] = [];
  private waiters: (() => void)[] = [];
  closeCode: number | null = null;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      this.frames.push(isBinary ? data : JSON.parse(String(data)));
      this.wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
    ws.on('error', () => this.wake());
  }

  static open(url: string, options: WebSocket.ClientOptions = {}): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const socket = new TestSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (req, res) => {
        req.destroy();
        reject(new Error(`HTTP ${res.statusCode}`));
      });
      ws.once('error', reject);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Takes the first queued frame matching `match`, waiting at most `timeoutMs`. */
  async next<T = Record<string, unknown>>(
    match: (frame: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 2_000,
  ): Promise<T> {
    const started = Date.now();
    for (;;) {
      const index = this.frames.findIndex((f) => match(f as Record<string, unknown>));
      if (index !== -1) return this.frames.splice(index, 1)[0] as T;
      const left = timeoutMs - (Date.now() - started);
      if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async closed(timeoutMs = 2_000): Promise<number> {
    await waitFor(() => this.closeCode !== null, timeoutMs, 'socket close');
    return this.closeCode!;
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  close(): void {
    this.ws.close();
  }
}

/** Reads an SSE response body, parsing as it goes. */
export class SseReader {
  readonly items: SseItem[] = [];
  raw = '';
  private readonly parser = new SseParser();
  private readonly done: Promise<void>;

  constructor(readonly response: Response) {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    this.done = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          const text = decoder.decode(value, { stream: true });
          this.raw += text;
          this.items.push(...this.parser.feed(text));
        }
      } catch {
        // aborted by the test
      }
    })();
  }

  events(): Extract<SseItem, { kind: 'event' }>[] {
    return this.items.filter(
      (item): item is Extract<SseItem, { kind: 'event' }> => item.kind === 'event',
    );
  }

  async ended(): Promise<void> {
    await this.done;
  }
}

export async function openSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ reader: SseReader; abort: () => void }> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  if (response.status !== 200)
    throw new Error(`SSE answered ${response.status}: ${await response.text()}`);
  return { reader: new SseReader(response), abort: () => controller.abort() };
}

/** Sends raw bytes on a fresh TCP connection and collects every byte until the server closes it. */
export function rawExchange(
  port: number,
  request: string | Buffer,
  timeoutMs = 3_000,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('raw exchange timed out'));
    }, timeoutMs);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

/** What a client → server frame may break: FIN, the RSV bits, the mask (RFC 6455 §5.2). */
export interface FrameOptions {
  fin?: boolean;
  /** RSV1–3 as the three bits below FIN (0b100 = RSV1). */
  rsv?: number;
  masked?: boolean;
  /** Announce this payload length instead of the real one (for oversize announcements). */
  announcedLength?: number;
}

/** A client → server frame built by hand: masked and final unless told otherwise. */
export function clientFrame(
  opcode: number,
  payload: Buffer | string = Buffer.alloc(0),
  options: FrameOptions = {},
): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const masked = options.masked ?? true;
  const length = options.announcedLength ?? data.length;
  const header = Buffer.alloc(wsFrameHeaderBytes(length, masked));
  header[0] = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | (opcode & 0x0f);
  if (length <= 125) header[1] = length;
  else if (length <= 0xffff) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!masked) return Buffer.concat([header, data]);
  header[1] = header[1]! | 0x80;
  const mask = randomBytes(4);
  mask.copy(header, header.length - 4);
  return Buffer.concat([header, Buffer.from(data.map((b, i) => b ^ mask[i % 4]!))]);
}

/** A server → client frame as read off the wire (servers never mask). */
export interface ServerWireFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** Splits complete server frames off the front of `bytes`; returns them and what is left. */
export function parseServerFrames(bytes: Buffer): { frames: ServerWireFrame[]; rest: Buffer } {
  const frames: ServerWireFrame[] = [];
  let at = 0;
  for (;;) {
    if (bytes.length - at < 2) break;
    const b0 = bytes[at]!;
    const b1 = bytes[at + 1]!;
    let length = b1 & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      if (bytes.length < offset + 2) break;
      length = bytes.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      if (bytes.length < offset + 8) break;
      length = Number(bytes.readBigUInt64BE(offset));
      offset += 8;
    }
    if (bytes.length < offset + length) break;
    frames.push({
      fin: (b0 & 0x80) !== 0,
      opcode: b0 & 0x0f,
      payload: bytes.subarray(offset, offset + length),
    });
    at = offset + length;
  }
  return { frames, rest: bytes.subarray(at) };
}

/**
 * A WebSocket client over a bare TCP socket: a real upgrade, then frames
 * written by hand, so that tests can send what a WebSocket library never
 * would. It collects the server's frames and notes when the server closes.
 */
export class RawWebSocket {
  readonly frames: ServerWireFrame[] = [];
  /** The close frame's code and reason once the server sent one. */
  closeFrame: { code: number; reason: string } | null = null;
  ended = false;
  private buffered: Buffer = Buffer.alloc(0);

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      const { frames, rest } = parseServerFrames(Buffer.concat([this.buffered, chunk]));
      this.buffered = rest;
      for (const frame of frames) {
        this.frames.push(frame);
        if (frame.opcode === WS_OPCODES.close && this.closeFrame === null) {
          this.closeFrame = {
            code: frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005,
            reason: frame.payload.subarray(2).toString('utf8'),
          };
        }
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => (this.ended = true));
  }

  /** Upgrades `path` on 127.0.0.1:`port`; rejects with the status line if the answer is not 101. */
  static open(port: number, path: string, timeoutMs = 2_000): Promise<RawWebSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let head = Buffer.alloc(0);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('no upgrade answer'));
      }, timeoutMs);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        clearTimeout(timer);
        socket.off('data', onData);
        const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
        if (!statusLine.startsWith('HTTP/1.1 101')) {
          socket.destroy();
          reject(new Error(statusLine));
          return;
        }
        const raw = new RawWebSocket(socket);
        const rest = head.subarray(end + 4);
        if (rest.length > 0) socket.emit('data', rest);
        resolve(raw);
      };
      socket.on('data', onData);
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.on('connect', () =>
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
            `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
            'Sec-WebSocket-Version: 13\r\n\r\n',
        ),
      );
    });
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** The JSON text frames received so far. */
  json(): Record<string, unknown>[] {
    return this.frames
      .filter((f) => f.opcode === WS_OPCODES.text)
      .map((f) => JSON.parse(f.payload.toString('utf8')) as Record<string, unknown>);
  }

  /** Waits for the server's close frame (and answers it, as a client must); returns its code. */
  async closedWith(timeoutMs = 2_000): Promise<{ code: number; reason: string }> {
    await waitFor(() => this.closeFrame !== null, timeoutMs, 'a close frame');
    const close = this.closeFrame!;
    const echo = Buffer.alloc(2);
    echo.writeUInt16BE(close.code === 1005 ? 1000 : close.code);
    this.write(clientFrame(WS_OPCODES.close, echo));
    return close;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** An observer stream (`/api/observe`) whose trace events a test can read as they come. */
export async function observeTrace(
  running: Running,
): Promise<{ observer: TestSocket; events: () => TraceEventInput[] }> {
  const observer = await TestSocket.open(`${running.wsBase}/api/observe`);
  await observer.next((f) => f.type === 'hello');
  const events = (): TraceEventInput[] =>
    (observer.frames as { type: string; event: TraceEventInput }[])
      .filter((f) => f.type === 'trace')
      .map((f) => f.event);
  return { observer, events };
}

/** `node server/main.ts` as a child process on a free port, with extra environment variables. */
export function spawnLab(env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
  return spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repo,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LAB_LOG: 'silent', ...env },
    stdio: 'pipe',
  });
}

/** The URL a spawned lab prints once it listens (rejects if it exits or prints none in 10 s). */
export function printedUrl(child: ChildProcessWithoutNullStreams): Promise<string> {
  let out = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.once('exit', () => reject(new Error(`exited early: ${out}`)));
  });
}
