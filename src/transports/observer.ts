import { estimateClockOffset, type SyncSample, type TraceEventInput } from '../core';
import { traceClock } from '../core/clock';
import { Timers } from './timers';
import { toWebSocketUrl } from './urls';

/** The observer client's life cycle. */
export type ObserverState = 'idle' | 'connecting' | 'open' | 'reconnect-wait' | 'closed';

/** What the server says first on `/api/observe`. */
export interface ObserverHello {
  server: string;
  /** The server's clock when it said hello (ms since the epoch). */
  serverTime: number;
  /** The page clock when the hello arrived. */
  receivedAt: number;
  /**
   * serverTime − receivedAt: a first, rough clock-offset estimate (it includes
   * the hello's one-way delay), used until the sync exchanges give a better one.
   */
  offsetMs: number;
}

/** The page's estimate of the server's clock: server time ≈ page time + offsetMs, give or take uncertaintyMs. */
export interface ClockEstimate {
  offsetMs: number;
  uncertaintyMs: number;
  samples: number;
}

/** Sync exchanges made after each hello. */
export const SYNC_SAMPLES = 5;

export interface ObserverOptions {
  /** Base URL of the API, '' for the page's own origin. */
  baseUrl: string;
  /** The page this stream belongs to (`?owner=`): the server ends the page's schedules when its last observer closes. */
  owner?: string;
  /** Receives each server trace event as it is (observer `server`). */
  emit: (event: TraceEventInput) => void;
  onHello?: (hello: ObserverHello) => void;
  /** The clock estimate improved (after each sync exchange). */
  onClock?: (clock: ClockEstimate) => void;
  onState?: (state: ObserverState) => void;
  /** Wait before reconnecting after the stream dropped, ms. Default 1000. */
  reconnectDelayMs?: number;
  now?: () => number;
}

function isTraceEvent(value: unknown): value is TraceEventInput {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Partial<TraceEventInput>;
  return (
    typeof e.t === 'number' &&
    typeof e.kind === 'string' &&
    typeof e.actor === 'string' &&
    typeof e.conn === 'string'
  );
}

/**
 * A client of the server's observer stream (`GET /api/observe`, a WebSocket so
 * it takes none of the browser's six HTTP/1.1 connections per host). It
 * forwards every `{ type: "trace", event }` to `emit`, reports the hello, and
 * reconnects after a delay when the stream drops, until stop().
 */
export class ObserverClient {
  private current: ObserverState = 'idle';
  private socket: WebSocket | undefined;
  private readonly timers = new Timers();
  private readonly now: () => number;
  private lastHello: ObserverHello | undefined;
  private samples: SyncSample[] = [];
  private estimate: ClockEstimate | undefined;

  constructor(private readonly options: ObserverOptions) {
    this.now = options.now ?? traceClock;
  }

  get state(): ObserverState {
    return this.current;
  }

  get hello(): ObserverHello | undefined {
    return this.lastHello;
  }

  get clock(): ClockEstimate | undefined {
    return this.estimate;
  }

  /** Asks the server for its time; the answer becomes a SyncSample. */
  private sync(): void {
    if (this.socket?.readyState === 1)
      this.socket.send(JSON.stringify({ op: 'sync', t0: this.now() }));
  }

  start(): void {
    if (this.current !== 'idle' && this.current !== 'closed') return;
    this.connect();
  }

  stop(): void {
    if (this.current === 'idle' || this.current === 'closed') return;
    this.timers.clearAll();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onerror = null;
      socket.onclose = null;
      socket.close(1000, 'observer stopped');
    }
    this.setState('closed');
  }

  private setState(next: ObserverState): void {
    if (next === this.current) return;
    this.current = next;
    this.options.onState?.(next);
  }

  private connect(): void {
    this.setState('connecting');
    let socket: WebSocket;
    try {
      const base = this.options.baseUrl.replace(/\/+$/, '');
      const owner = this.options.owner;
      const query = owner === undefined ? '' : `?owner=${encodeURIComponent(owner)}`;
      socket = new WebSocket(toWebSocketUrl(`${base}/api/observe${query}`));
    } catch {
      this.retry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.setState('open');
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data === 'string') this.handle(event.data);
    };
    socket.onclose = () => {
      if (socket !== this.socket) return;
      this.socket = undefined;
      this.retry();
    };
  }

  private retry(): void {
    this.setState('reconnect-wait');
    this.timers.set(() => this.connect(), this.options.reconnectDelayMs ?? 1000);
  }

  private handle(text: string): void {
    let frame: { type?: unknown; event?: unknown; serverTime?: unknown; server?: unknown };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      return; // not ours to trace: the observer stream only speaks JSON
    }
    if (frame.type === 'trace' && isTraceEvent(frame.event)) {
      // Put the server's step on the page's clock, so both sides share one
      // timeline; its own reading stays in details.serverT. The offset comes
      // from the hello (one sample: off by at most the hello's one-way trip).
      const offset = this.estimate?.offsetMs ?? this.lastHello?.offsetMs ?? 0;
      const event = frame.event;
      this.options.emit({
        ...event,
        t: event.t - offset,
        details: { ...event.details, serverT: event.t },
      });
    } else if (frame.type === 'hello' && typeof frame.serverTime === 'number') {
      const receivedAt = this.now();
      this.lastHello = {
        server: typeof frame.server === 'string' ? frame.server : 'server-1',
        serverTime: frame.serverTime,
        receivedAt,
        offsetMs: frame.serverTime - receivedAt,
      };
      this.options.onHello?.(this.lastHello);
      this.samples = [];
      this.sync();
    } else if (
      frame.type === 'sync' &&
      typeof frame.serverTime === 'number' &&
      typeof (frame as { t0?: unknown }).t0 === 'number'
    ) {
      // Several exchanges, one after another: the quickest round trip bounds the offset best.
      this.samples.push({
        t0: (frame as { t0: number }).t0,
        serverTime: frame.serverTime,
        t1: this.now(),
      });
      const best = estimateClockOffset(this.samples);
      if (best) {
        this.estimate = { ...best, samples: this.samples.length };
        this.options.onClock?.(this.estimate);
      }
      if (this.samples.length < SYNC_SAMPLES) this.sync();
    }
  }
}
