import type { WebSocket } from 'ws';
import { redactTraceEvent } from '../src/core/redact';
import { serverStep, type TraceFields, type TraceTarget } from '../src/core/server-steps';
import { WS_CLOSE, type Direction, type TraceEventInput, type TraceKind } from '../src/core';
import { closeReason } from './close-reason';
import { overQueueLimit, SLOW_CONSUMER_GRACE_MS, slowConsumerReason } from './connections';

export type { TraceFields, TraceTarget } from '../src/core/server-steps';

/**
 * Where finished steps can go besides a stream's own sockets: the main lab's
 * stream is one for every in-process gateway of a topology. `active` says
 * whether anybody watches it; `forward` takes a step as recorded (its `t` kept).
 */
export interface TraceSink {
  readonly active: boolean;
  forward(event: TraceEventInput): void;
}

/**
 * The server's side of the observer stream: every observer socket gets every
 * trace event, and so does every sink it forwards to (a gateway's stream
 * forwards to the main lab's). Callers check `active` (or pass a builder) so
 * that nothing is measured or serialised while nobody watches — here or at a
 * sink.
 */
export class ObserverStream implements TraceSink {
  private readonly sockets = new Set<WebSocket>();
  private readonly sinks = new Set<TraceSink>();
  /** The page each observer socket said it belongs to (`?owner=`), and how many sockets each page holds. */
  private readonly ownerOf = new Map<WebSocket, string>();
  private readonly owners = new Map<string, number>();
  private readonly ownerLeft = new Set<(owner: string) => void>();

  /**
   * `maxQueuedBytes`: what may wait unread on one observer socket (the limits'
   * `maxQueuedBytes`); past it the socket is closed 1013, as a channel's is.
   */
  constructor(
    private readonly serverName: string,
    private readonly maxQueuedBytes = Number.POSITIVE_INFINITY,
  ) {}

  /** Whether a page's observer is connected: the page is still there. */
  hasOwner(owner: string): boolean {
    return (this.owners.get(owner) ?? 0) > 0;
  }

  /** Calls `listener` when the last observer socket of a page closes (the page is gone). */
  onOwnerLeft(listener: (owner: string) => void): () => void {
    this.ownerLeft.add(listener);
    return () => this.ownerLeft.delete(listener);
  }

  /** Someone watches: an observer socket of this server's, or one of a sink it forwards to. */
  get active(): boolean {
    if (this.sockets.size > 0) return true;
    for (const sink of this.sinks) if (sink.active) return true;
    return false;
  }

  /** Also sends every step to `sink` (while it is active); returns the function that stops it. */
  forwardTo(sink: TraceSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /** The observer sockets of this server (sinks not counted). */
  get size(): number {
    return this.sockets.size;
  }

  add(socket: WebSocket, owner?: string): void {
    this.sockets.add(socket);
    if (owner === undefined) return;
    this.ownerOf.set(socket, owner);
    this.owners.set(owner, (this.owners.get(owner) ?? 0) + 1);
  }

  remove(socket: WebSocket): void {
    this.sockets.delete(socket);
    const owner = this.ownerOf.get(socket);
    if (owner === undefined) return;
    this.ownerOf.delete(socket);
    const left = (this.owners.get(owner) ?? 1) - 1;
    if (left > 0) {
      this.owners.set(owner, left);
      return;
    }
    this.owners.delete(owner);
    for (const listener of this.ownerLeft) listener(owner);
  }

  isObserver(socket: WebSocket): boolean {
    return this.sockets.has(socket);
  }

  hello(now: number): string {
    return JSON.stringify({ type: 'hello', serverTime: now, server: this.serverName });
  }

  /** Reports one step; `fields` may be a function so that it only runs when someone observes. */
  record(
    target: TraceTarget,
    kind: TraceKind,
    dir: Direction,
    fields?: TraceFields | (() => TraceFields),
  ): void {
    if (!this.active) return;
    const extra = typeof fields === 'function' ? fields() : fields;
    const event = serverStep(this.serverName, target, kind, dir, extra);
    this.forward(event);
  }

  /**
   * Sends a finished step as it is — its `t`, observer and actor untouched — to
   * every observer socket and every active sink. Serialised once, and only when
   * a socket is there to take it. Headers are redacted once more on the way
   * out (src/core/redact.ts; a no-op for what http-trace.ts recorded), so that no
   * step, from this server or forwarded from a gateway, carries a secret.
   */
  forward(step: TraceEventInput): void {
    const event = redactTraceEvent(step);
    if (this.sockets.size > 0) {
      const frame = JSON.stringify({ type: 'trace', event });
      const bytes = Buffer.byteLength(frame);
      for (const socket of this.sockets) {
        if (socket.readyState !== socket.OPEN) continue;
        if (overQueueLimit(socket.bufferedAmount, bytes, this.maxQueuedBytes)) {
          this.cutSlowObserver(socket);
          continue;
        }
        socket.send(frame);
      }
    }
    for (const sink of this.sinks) if (sink.active) sink.forward(event);
  }

  /**
   * An observer that does not read its steps is closed 1013 with the slow-consumer
   * reason and cut if the close is not answered within the grace; it is not traced
   * (the observer stream is not a channel connection), and the page's observer
   * reconnects.
   */
  private cutSlowObserver(socket: WebSocket): void {
    const reason = slowConsumerReason(socket.bufferedAmount, this.maxQueuedBytes);
    this.remove(socket);
    socket.close(WS_CLOSE.tryAgainLater, closeReason(reason));
    setTimeout(() => socket.terminate(), SLOW_CONSUMER_GRACE_MS).unref();
  }

  closeAll(code: number, reason: string): void {
    for (const socket of this.sockets) socket.close(code, reason);
    this.sockets.clear();
    this.ownerOf.clear();
    this.owners.clear();
  }
}
