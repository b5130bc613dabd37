/** Test clients with bounded waits: a WebSocket of JSON frames, an SSE reader, a raw TCP exchange. */
import { connect } from 'node:net';
import WebSocket from 'ws';
import { SseParser, type SseItem } from '../../src/core';
import { waitFor } from './wait-for';

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
