import { traceClock, type Direction, type TraceKind } from '../core';
import { redactTraceEvent } from '../core/redact';
import { serverStep, type TraceFields, type TraceTarget } from '../core/server-steps';

/** One page's observer socket, as the simulation holds it (an msw WebSocket client). */
export interface ObserverPeer {
  send(data: string): void;
}

/**
 * The simulated server's side of `/api/observe`: it tells every observer socket each
 * step the simulation makes, in the observer stream's own frames, so that the page's
 * observer client, trace store, diagram and counters work unchanged. Every step is marked
 * `details.simulated`, so a recording says what it is.
 */
export class SimObserver {
  /** Each observer socket and the page it said it belongs to (`?owner=`). */
  private readonly peers = new Map<ObserverPeer, string | undefined>();
  private readonly ownerLeft = new Set<(owner: string) => void>();

  constructor(private readonly serverName: string) {}

  get active(): boolean {
    return this.peers.size > 0;
  }

  hello(): string {
    return JSON.stringify({ type: 'hello', serverTime: traceClock(), server: this.serverName });
  }

  add(peer: ObserverPeer, owner?: string): void {
    this.peers.set(peer, owner);
  }

  remove(peer: ObserverPeer): void {
    if (!this.peers.has(peer)) return;
    const owner = this.peers.get(peer);
    this.peers.delete(peer);
    if (owner === undefined || this.hasOwner(owner)) return;
    for (const listener of this.ownerLeft) listener(owner);
  }

  hasOwner(owner: string): boolean {
    for (const value of this.peers.values()) if (value === owner) return true;
    return false;
  }

  /** Calls `listener` when the last observer socket of a page closes. */
  onOwnerLeft(listener: (owner: string) => void): () => void {
    this.ownerLeft.add(listener);
    return () => this.ownerLeft.delete(listener);
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
    const step = serverStep(this.serverName, target, kind, dir, extra);
    const event = { ...step, details: { ...step.details, simulated: true } };
    const frame = JSON.stringify({ type: 'trace', event: redactTraceEvent(event) });
    for (const peer of this.peers.keys()) peer.send(frame);
  }
}
