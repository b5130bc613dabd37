import type { Message, MessageSink } from '../src/core';
import { OrderedDelay, type EndReason, type HeldKind, type TrackedConnection } from './connections';
import type { Beat, Beater } from './heartbeat-wheel';
import type { Lab } from './lab';

/**
 * What a held connection does when the lab ends it or the half-open fault silences it: the
 * connection itself (a method each, so that holding one costs no closures of its own).
 */
export interface HeldOwner {
  /** A message published on the channel it listens to (after `subscribe`). */
  deliver(message: Message): void;
  /** The lab ends it: a drop fault or shutdown. */
  end(reason: EndReason): void;
  /** Run when the half-open fault silences it, after `silencedAt` is set. */
  silence?(): void;
}

/** Which way a write goes: down to the client, or up from it (the latency fault has one of each). */
export type DelayDirection = 'up' | 'down';

/**
 * The life cycle a held poll, an SSE stream and a channel socket share: it
 * listens on a channel of the hub, is tracked by the lab's registry (so that
 * faults and shutdown can end it), may be silenced (half-open), writes through
 * the latency fault's delays and runs timers; `release` undoes all of it, once.
 * It keeps one field per thing it set up, not lists, and makes a delay's queue only
 * once the fault adds latency: thousands of idle sockets each hold one.
 */
export class HeldConnection implements TrackedConnection, MessageSink {
  /** When the half-open fault silenced this connection (the lab's clock); null while it flows. */
  silencedAt: number | null = null;
  private released = false;
  /** The channel it listens to, as itself (a MessageSink), until `unsubscribe` or `release`. */
  private channel: string | null = null;
  /** The latency fault's queue of writes in each direction, made when first needed. */
  private downDelay: OrderedDelay | null = null;
  private upDelay: OrderedDelay | null = null;
  private beat: Beat | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly lab: Lab,
    readonly kind: HeldKind,
    private readonly owner: HeldOwner,
  ) {
    lab.connections.hold(this);
  }

  /** The registry's: the lab ends it. */
  end(reason: EndReason): void {
    this.owner.end(reason);
  }

  /** The registry's: the half-open fault silences it. */
  silence(): void {
    this.silencedAt = this.lab.now();
    this.owner.silence?.();
  }

  /** The hub's: a message on its channel goes to its owner. */
  deliver(message: Message): void {
    this.owner.deliver(message);
  }

  /** Whether the half-open fault has silenced it: nothing flows either way. */
  get silenced(): boolean {
    return this.silencedAt !== null;
  }

  /** How long it has been half-open (ms), or null when it is not. */
  halfOpenMs(): number | null {
    return this.silencedAt === null ? null : this.lab.now() - this.silencedAt;
  }

  /** Listens for the channel's new messages (its owner's `deliver`) until `release` or `unsubscribe`. */
  subscribe(channel: string): void {
    this.unsubscribe();
    this.channel = channel;
    this.lab.hub.join(channel, this);
  }

  /** Stops listening on the hub before the end (the half-open fault). */
  unsubscribe(): void {
    if (this.channel === null) return;
    this.lab.hub.leave(this.channel, this);
    this.channel = null;
  }

  /**
   * Runs `write` now, or after the latency fault's delay in `dir`, never before a write
   * queued earlier (an `OrderedDelay`, made on the first write that must wait and kept,
   * so that order holds once the fault is lifted too). Cancelled on `release`.
   */
  delayed(dir: DelayDirection, write: () => void): void {
    let delay = dir === 'down' ? this.downDelay : this.upDelay;
    if (delay === null) {
      if (this.lab.faults.latencyMs[dir] <= 0) {
        write();
        return;
      }
      // Read at each write: the fault replaces its `latencyMs` when it changes.
      const faults = this.lab.faults;
      delay = new OrderedDelay(() => faults.latencyMs[dir]);
      if (dir === 'down') this.downDelay = delay;
      else this.upDelay = delay;
    }
    delay.run(write);
  }

  /** Drops the writes still waiting in `dir`. */
  cancelDelayed(dir: DelayDirection): void {
    (dir === 'down' ? this.downDelay : this.upDelay)?.cancel();
  }

  /** Calls `beater.beat()` every `ms` until `release`, on the lab's shared heartbeat timers. */
  every(ms: number, beater: Beater): void {
    if (this.beat) this.lab.heartbeats.cancel(this.beat);
    this.beat = this.lab.heartbeats.every(ms, beater);
  }

  /** Runs `due` once after `ms`, unless released first (one such timer at a time). */
  after(ms: number, due: () => void): NodeJS.Timeout {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(due, ms);
    return this.timer;
  }

  /**
   * Stops what it set up but the registry entry: timers, delays and the hub listener
   * (nothing is queued, written or kept for it any more). `release` still ends it.
   */
  quiet(): void {
    if (this.beat) this.lab.heartbeats.cancel(this.beat);
    this.beat = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.downDelay?.cancel();
    this.upDelay?.cancel();
    this.unsubscribe();
  }

  /** Undoes everything it set up: timers, delays, the hub listener and the registry entry; runs once. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.quiet();
    this.lab.connections.forget(this);
  }
}
