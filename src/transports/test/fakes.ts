import type { Message, TraceEventInput, TraceKind } from '../../core';
import { DEFAULT_KNOBS, type TransportOptions, type TransportState } from '../types';

/** Test doubles for the browser APIs the transports use (tests only). */

export interface Recorder {
  events: TraceEventInput[];
  states: TransportState[];
  messages: Message[];
  kinds(): TraceKind[];
  of(kind: TraceKind): TraceEventInput[];
}

export function recorder(): Recorder {
  const r: Recorder = {
    events: [],
    states: [],
    messages: [],
    kinds: () => r.events.map((e) => e.kind),
    of: (kind) => r.events.filter((e) => e.kind === kind),
  };
  return r;
}

export function options(r: Recorder, overrides: Partial<TransportOptions> = {}): TransportOptions {
  let clock = 1_000_000;
  return {
    actor: 'bob',
    channel: 'lobby',
    baseUrl: 'http://127.0.0.1:8080',
    // Backoff without jitter from 1 s: waits of exactly 1 s, 2 s, 4 s… that tests can step through.
    knobs: { ...DEFAULT_KNOBS, backoffBaseMs: 1000, backoffJitter: false },
    receive: true,
    emit: (e) => r.events.push(e),
    onMessage: (m) => r.messages.push(m),
    onState: (s) => r.states.push(s),
    now: () => (clock += 1),
    ...overrides,
  };
}

export function message(id: number, extra: Partial<Message> = {}): Message {
  return {
    id,
    channel: 'lobby',
    type: 'message',
    from: 'alice',
    text: `hello ${id}`,
    sentAt: 999_000 + id,
    publishedAt: 999_500 + id,
    ...extra,
  };
}

export type FetchHandler = (url: string, init: RequestInit) => Response | Promise<Response>;

/** A fetch that records calls and answers with the handler; honours AbortSignal. */
export function fakeFetch(handler: FetchHandler): {
  fetch: typeof fetch;
  calls: Array<{ url: string; init: RequestInit }>;
} {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fn = (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    calls.push({ url, init });
    return new Promise<Response>((resolve, reject) => {
      const signal = init.signal;
      if (signal?.aborted) {
        reject(new DOMException('aborted', 'AbortError'));
        return;
      }
      signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      Promise.resolve(handler(url, init)).then(resolve, reject);
    });
  };
  return { fetch: fn as typeof fetch, calls };
}

/** A fetch answer that never comes (a held long poll), until aborted. */
export function never(): Promise<Response> {
  return new Promise<Response>(() => undefined);
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

type Listener = (event: Event) => void;

/** Minimal EventTarget-like base with on* handler properties. */
class FakeTarget {
  private readonly listeners = new Map<string, Set<Listener>>();
  addEventListener(type: string, listener: Listener): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }
  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }
  listenerCount(type: string): number {
    return this.listeners.get(type)?.size ?? 0;
  }
  protected dispatch(type: string, event: Event): void {
    for (const l of this.listeners.get(type) ?? []) l(event);
  }
}

export class FakeEventSource extends FakeTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static instances: FakeEventSource[] = [];
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    super();
    FakeEventSource.instances.push(this);
  }
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  emit(type: string, data: string, lastEventId: string): void {
    this.dispatch(type, new MessageEvent(type, { data, lastEventId }));
  }
  fail(readyState: 0 | 2): void {
    this.readyState = readyState;
    this.onerror?.(new Event('error'));
  }
}

export class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  closedWith: { code?: number; reason?: string } | undefined;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(data);
  }
  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(data: unknown): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(data) }));
  }
  drop(code = 1006, reason = '', wasClean = false): void {
    this.readyState = 3;
    this.onerror?.(new Event('error'));
    // Node 20 has no CloseEvent global; the transport reads only these three fields.
    this.onclose?.({ code, reason, wasClean } as CloseEvent);
  }
}
