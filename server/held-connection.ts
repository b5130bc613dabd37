import type { Message } from '../src/core';
import { OrderedDelay, type EndReason, type HeldKind } from './connections';
import type { Lab } from './lab';

/** What a held connection does when the lab ends it or the half-open fault silences it. */
export interface HeldConnectionHooks {
  /** The lab ends it: a drop fault or shutdown. */
  end: (reason: EndReason) => void;
  /** Run when the half-open fault silences it, after `silencedAt` is set. */
  silence?: () => void;
}

/**
 * The life cycle a held poll, an SSE stream and a channel socket share: it
 * listens on a channel of the hub, is tracked by the lab's registry (so that
 * faults and shutdown can end it), may be silenced (half-open), writes through
 * ordered delays and runs timers; `release` undoes all of it, once.
 */
export class HeldConnection {
  /** When the half-open fault silenced this connection (the lab's clock); null while it flows. */
  silencedAt: number | null = null;
  private released = false;
  private readonly untrack: () => void;
  private readonly unsubscribes: (() => void)[] = [];
  private readonly delays: OrderedDelay[] = [];
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly lab: Lab,
    kind: HeldKind,
    hooks: HeldConnectionHooks,
  ) {
    this.untrack = lab.connections.track(kind, hooks.end, () => {
      this.silencedAt = lab.now();
      hooks.silence?.();
    });
  }

  /** Whether the half-open fault has silenced it: nothing flows either way. */
  get silenced(): boolean {
    return this.silencedAt !== null;
  }

  /** How long it has been half-open (ms), or null when it is not. */
  halfOpenMs(): number | null {
    return this.silencedAt === null ? null : this.lab.now() - this.silencedAt;
  }

  /** Listens for the channel's new messages until `release` (or `unsubscribe`). */
  subscribe(channel: string, listener: (message: Message) => void): void {
    this.unsubscribes.push(this.lab.hub.subscribe(channel, listener));
  }

  /** Stops listening on the hub before the end (the half-open fault). */
  unsubscribe(): void {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
  }

  /** An ordered delay of `delayMs` (a fault's latency), cancelled on `release`. */
  delay(delayMs: () => number): OrderedDelay {
    const delay = new OrderedDelay(delayMs);
    this.delays.push(delay);
    return delay;
  }

  /** Runs `tick` every `ms` until `release`. */
  every(ms: number, tick: () => void): NodeJS.Timeout {
    const timer = setInterval(tick, ms);
    this.timers.push(timer);
    return timer;
  }

  /** Runs `due` once after `ms`, unless released first. */
  after(ms: number, due: () => void): NodeJS.Timeout {
    const timer = setTimeout(due, ms);
    this.timers.push(timer);
    return timer;
  }

  /**
   * Stops what it set up but the registry entry: timers, delays and the hub listener
   * (nothing is queued, written or kept for it any more). `release` still ends it.
   */
  quiet(): void {
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
    for (const delay of this.delays) delay.cancel();
    this.unsubscribe();
  }

  /** Undoes everything it set up: timers, delays, the hub listener and the registry entry; runs once. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const delay of this.delays) delay.cancel();
    this.unsubscribe();
    this.untrack();
  }
}
