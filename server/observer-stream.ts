import type { WebSocket } from 'ws';
import type { Direction, Technique, TraceEventInput, TraceKind } from '../src/core';

/** Which request or connection a server-side step belongs to. */
export interface TraceTarget {
  technique: Technique | null;
  /** The client's `rid` label, or the server's own `s-<n>`. */
  conn: string;
  /** The client's `client` label. */
  peer?: string;
}

export type TraceFields = Pick<TraceEventInput, 'bytes' | 'messageIds' | 'empty' | 'details'>;

/** High-resolution wall time in ms, the clock the trace uses. */
export function traceTime(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * The server's side of the observer stream: every observer socket gets every
 * trace event. Callers check `active` (or pass a builder) so that nothing is
 * measured or serialised while nobody watches.
 */
export class ObserverStream {
  private readonly sockets = new Set<WebSocket>();

  constructor(private readonly serverName: string) {}

  get active(): boolean {
    return this.sockets.size > 0;
  }

  get size(): number {
    return this.sockets.size;
  }

  add(socket: WebSocket): void {
    this.sockets.add(socket);
  }

  remove(socket: WebSocket): void {
    this.sockets.delete(socket);
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
    if (this.sockets.size === 0) return;
    const extra = typeof fields === 'function' ? fields() : fields;
    const event: TraceEventInput = {
      t: traceTime(),
      observer: 'server',
      actor: this.serverName,
      technique: target.technique,
      conn: target.conn,
      kind,
      dir,
      ...extra,
    };
    if (target.peer !== undefined) event.peer = target.peer;
    const frame = JSON.stringify({ type: 'trace', event });
    for (const socket of this.sockets) {
      if (socket.readyState === socket.OPEN) socket.send(frame);
    }
  }

  closeAll(code: number, reason: string): void {
    for (const socket of this.sockets) socket.close(code, reason);
    this.sockets.clear();
  }
}
