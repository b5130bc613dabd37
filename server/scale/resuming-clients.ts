/**
 * The Scaling lab tests' receivers, one per technique, written as the browser's
 * transports behave: each keeps the last id it got and, on any error (a refused or
 * destroyed connection, a stream that ends), waits a short backoff with jitter and
 * resumes after that id — a short poll or long poll with `since`, an SSE stream with
 * `Last-Event-ID`, a WebSocket with `?since=`. They never drop a duplicate: what a
 * server sends twice is recorded twice, so a test that expects 1…N exactly once can fail.
 */
import WebSocket from 'ws';
import { backoffDelay, SseParser, type Technique } from '../../src/core';

/** Short, so a reconnect lands while a test of 1,000 messages is still running. */
const BACKOFF = { baseMs: 50, capMs: 400, jitter: true } as const;
/** How often the short poll asks. */
const SHORT_POLL_EVERY_MS = 50;

export interface Receiver {
  readonly user: string;
  readonly technique: Technique;
  /** Every message id received, in order, duplicates included. */
  readonly ids: number[];
  /** The gateway that answered each request or connection (X-Lab-Gateway), in order. */
  readonly landed: string[];
  /** How many times it backed off after an error. */
  readonly failures: number;
  /** Stops it and waits for its loop to end. */
  stop(): Promise<void>;
}

interface Channel {
  /** `http://127.0.0.1:<balancer port>` */
  readonly base: string;
  readonly channel: string;
  readonly user: string;
  /** The id it starts after, as a client that had it before (default 0: from the start). */
  readonly after?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The state one receiver's loop shares with its connection code. */
class Loop implements Receiver {
  readonly ids: number[] = [];
  readonly landed: string[] = [];
  failures = 0;
  stopped = false;
  readonly abort = new AbortController();
  private attempt = 0;
  private rid = 0;
  private done: Promise<void> = Promise.resolve();

  constructor(
    readonly user: string,
    readonly technique: Technique,
    private readonly after = 0,
  ) {}

  get last(): number {
    return this.ids.at(-1) ?? this.after;
  }

  /** A fresh `rid=` for each request or connection. */
  nextRid(): string {
    this.rid++;
    return `${this.technique}-${this.user}-${this.rid}`;
  }

  received(id: number): void {
    this.ids.push(id);
    this.attempt = 0;
  }

  run(once: () => Promise<void>): this {
    this.done = (async () => {
      while (!this.stopped) {
        try {
          await once();
          this.attempt = 0;
        } catch {
          if (this.stopped) return;
          this.failures++;
          await sleep(backoffDelay(this.attempt++, BACKOFF));
        }
      }
    })();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.done;
  }
}

function gatewayOf(headers: Headers): string {
  return headers.get('x-lab-gateway') ?? '?';
}

/** Short poll (`wait` 0) or long poll (`wait` the hold): asks after its last id, again and again. */
function poll(target: Channel, technique: 'short-poll' | 'long-poll'): Receiver {
  const loop = new Loop(target.user, technique, target.after);
  const path = technique === 'short-poll' ? 'messages' : 'long-poll';
  const hold = technique === 'long-poll' ? '&timeout=2000' : '';
  return loop.run(async () => {
    const url = `${target.base}/api/channels/${target.channel}/${path}?since=${loop.last}${hold}&client=${target.user}&rid=${loop.nextRid()}`;
    const res = await fetch(url, { signal: loop.abort.signal });
    loop.landed.push(gatewayOf(res.headers));
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new Error(`${technique} answered ${res.status}`);
    }
    const body = (await res.json()) as { messages: { id: number }[] };
    for (const message of body.messages) loop.received(message.id);
    if (technique === 'short-poll') await sleep(SHORT_POLL_EVERY_MS);
  });
}

/** An SSE stream, resumed with Last-Event-ID; an ended stream is an error too (it reconnects). */
function sse(target: Channel): Receiver {
  const loop = new Loop(target.user, 'sse', target.after);
  return loop.run(async () => {
    const headers: Record<string, string> =
      loop.last > 0 ? { 'last-event-id': String(loop.last) } : {};
    const url = `${target.base}/api/channels/${target.channel}/events?client=${target.user}&rid=${loop.nextRid()}`;
    const res = await fetch(url, { headers, signal: loop.abort.signal });
    loop.landed.push(gatewayOf(res.headers));
    if (res.status !== 200 || res.body === null) {
      await res.body?.cancel();
      throw new Error(`the stream answered ${res.status}`);
    }
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      for (const item of parser.feed(decoder.decode(value, { stream: true })))
        if (item.kind === 'event' && item.event !== 'heartbeat') loop.received(Number(item.id));
    }
  });
}

/** A WebSocket, reopened with `?since=` the last id after every close. */
function webSocket(target: Channel): Receiver {
  const loop = new Loop(target.user, 'websocket', target.after);
  const wsBase = target.base.replace(/^http/, 'ws');
  return loop.run(
    () =>
      new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(
          `${wsBase}/api/channels/${target.channel}/ws?since=${loop.last}&client=${target.user}&rid=${loop.nextRid()}`,
        );
        const onAbort = (): void => ws.terminate();
        loop.abort.signal.addEventListener('abort', onAbort, { once: true });
        ws.once('upgrade', (res) => loop.landed.push(String(res.headers['x-lab-gateway'])));
        ws.once('unexpected-response', (req, res) => {
          loop.landed.push(String(res.headers['x-lab-gateway']));
          req.destroy();
        });
        ws.on('message', (data) => {
          const frame = JSON.parse(String(data)) as { type: string; message?: { id: number } };
          if (frame.type === 'message' && frame.message) loop.received(frame.message.id);
        });
        ws.on('error', () => undefined);
        ws.once('close', () => {
          loop.abort.signal.removeEventListener('abort', onAbort);
          if (loop.stopped) resolve();
          else reject(new Error('the socket closed'));
        });
      }),
  );
}

/** Starts a receiver of `technique` for `target.user` on the balancer at `target.base`. */
export function startReceiver(technique: Technique, target: Channel): Receiver {
  switch (technique) {
    case 'short-poll':
    case 'long-poll':
      return poll(target, technique);
    case 'sse':
      return sse(target);
    case 'websocket':
      return webSocket(target);
  }
}

/** 1, 2, …, n. */
export function oneTo(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
