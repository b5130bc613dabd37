import { type LabError, labError } from '../src/core';

/**
 * Connection caps: every request to a channel endpoint (`/api/channels/…`)
 * takes a slot from its arrival until its connection's part in it ends — a
 * short poll or a publish for a few ms, a held poll until it is answered, an
 * SSE stream or a WebSocket until it closes. A client address may hold
 * `perAddress` slots and the server `total`; over either, the request is
 * refused (503, or WebSocket close 1013). The observer stream is not counted.
 */
/**
 * Addresses with no slot open that are kept, at most: forgetting one as its last slot
 * closes and adding it back with its next request would delete and set a Map entry on
 * almost every short poll (the client's slot is given back between two requests).
 */
export const IDLE_ADDRESSES_KEPT = 1024;

/** Where a connection's end keeps the address whose slot it holds (see `holdUntilClose`). */
const kSlot = Symbol('connection-slot');

/** What ends a slot: a socket or a response, told apart by nothing but their `close`. */
export interface SlotEnd {
  on(event: 'close', listener: () => void): unknown;
  readonly destroyed: boolean;
  [kSlot]?: string | undefined;
}

export class ConnectionLimiter {
  private readonly byAddress = new Map<string, number>();
  private open = 0;
  /** Entries of `byAddress` at 0. */
  private idle = 0;
  /**
   * The one `close` listener of every held slot, called with its end as `this`: a slot
   * held for a socket's whole life then costs a property on it, not a closure of its own.
   */
  private readonly releaseOnClose: (this: SlotEnd) => void;

  constructor(
    readonly perAddress: number,
    readonly total: number,
  ) {
    const release = (address: string): void => this.release(address);
    this.releaseOnClose = function (this: SlotEnd) {
      const address = this[kSlot];
      if (address === undefined) return;
      this[kSlot] = undefined;
      release(address);
    };
  }

  /** Takes a slot for `address`: the function that gives it back (safe to call twice), or the refusal. */
  admit(address: string): (() => void) | LabError {
    const refused = this.take(address);
    if (refused) return refused;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(address);
    };
  }

  /**
   * Takes a slot for `address` and gives it back when `end` closes (at once if it is
   * destroyed already); the refusal when there is none, or null.
   */
  holdUntilClose(address: string, end: SlotEnd, destroyed = end.destroyed): LabError | null {
    const refused = this.take(address);
    if (refused) return refused;
    if (destroyed) {
      this.release(address);
      return null;
    }
    end[kSlot] = address;
    end.on('close', this.releaseOnClose);
    return null;
  }

  private take(address: string): LabError | null {
    const mine = this.byAddress.get(address) ?? 0;
    if (mine >= this.perAddress) {
      return labError(
        'TOO_MANY_CONNECTIONS',
        `too many connections from ${address}: ${mine} open, at most ${this.perAddress} per address; close some and try again`,
      );
    }
    if (this.open >= this.total) {
      return labError(
        'TOO_MANY_CONNECTIONS',
        `too many connections: the server holds ${this.open}, at most ${this.total} in total; try again later`,
      );
    }
    if (mine === 0 && this.byAddress.has(address)) this.idle -= 1;
    this.byAddress.set(address, mine + 1);
    this.open += 1;
    return null;
  }

  private release(address: string): void {
    this.open -= 1;
    const left = (this.byAddress.get(address) ?? 1) - 1;
    this.byAddress.set(address, left);
    if (left > 0) return;
    this.idle += 1;
    if (this.idle <= IDLE_ADDRESSES_KEPT) return;
    for (const [kept, slots] of this.byAddress) if (slots === 0) this.byAddress.delete(kept);
    this.idle = 0;
  }

  /** Addresses the limiter holds an entry for, open slots or not (bounded: IDLE_ADDRESSES_KEPT). */
  get addressesKept(): number {
    return this.byAddress.size;
  }

  /** Slots taken by one address, or by all. */
  count(address?: string): number {
    return address === undefined ? this.open : (this.byAddress.get(address) ?? 0);
  }
}
