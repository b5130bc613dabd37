import { LabError, labError } from '../src/core';

/** A bucket: tokens left at `at` (ms on the limiter's clock). */
interface Bucket {
  tokens: number;
  at: number;
}

/** A token bucket's size and refill rate. */
export interface BucketRule {
  ratePerSecond: number;
  burst: number;
}

/** What a publish over the limit is refused with, and when a token will be there again. */
export interface RateRefusal {
  error: LabError;
  retryAfterMs: number;
}

/** Between the address and the label of a publisher key: neither can contain it. */
const SEPARATOR = '\n';

/**
 * A publisher: its address (the TCP peer's), and its `client=` label when it gave
 * one. The address is what is limited first; the label only narrows it (a budget of
 * its own inside the address's), so a new label per request gains nothing.
 */
export function publisherKey(label: string | undefined, address: string | undefined): string {
  return `${address ?? 'unknown'}${SEPARATOR}${label ?? ''}`;
}

/** The two buckets a publisher key takes from: its address's, and its client's (label, else the address). */
export function publisherBuckets(key: string): { address: string; client: string } {
  const at = key.indexOf(SEPARATOR);
  const address = at === -1 ? key : key.slice(0, at);
  const label = at === -1 ? '' : key.slice(at + 1);
  return {
    address: `address:${address}`,
    client: label === '' ? `client@${address}` : `client:${label}@${address}`,
  };
}

/** Token buckets of one rule, keyed; full buckets are forgotten (a fresh bucket is full). */
class Buckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(readonly rule: BucketRule) {}

  /** Tokens `key` has at `now`. */
  tokens(key: string, now: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.rule.burst;
    return Math.min(
      this.rule.burst,
      bucket.tokens + ((now - bucket.at) * this.rule.ratePerSecond) / 1000,
    );
  }

  set(key: string, tokens: number, now: number): void {
    this.buckets.set(key, { tokens, at: now });
  }

  /** Ms until `tokens` (< 1) has grown to one token. */
  waitMs(tokens: number): number {
    // The epsilon keeps float dust (0.998 tokens at 2/s → 1.0000000000000009 ms) from adding a ms.
    return Math.max(1, Math.ceil(((1 - tokens) * 1000) / this.rule.ratePerSecond - 1e-9));
  }

  get size(): number {
    return this.buckets.size;
  }

  sweep(now: number): void {
    for (const key of [...this.buckets.keys()])
      if (this.tokens(key, now) >= this.rule.burst) this.buckets.delete(key);
  }
}

/**
 * Token buckets at two levels: one per address and one per client inside it (its
 * `client=` label, else the address itself). A bucket holds at most `burst` tokens
 * and refills at `ratePerSecond`; a publish takes one token from both, and is
 * refused when either is empty. So a client may publish its own burst at once and
 * its own rate sustained, and all the clients of one address together at most the
 * address's. Full buckets are forgotten, so publishers that stop cost nothing.
 */
export class PublishRateLimiter {
  private readonly clients: Buckets;
  private readonly addresses: Buckets;
  private lastSweep: number;

  constructor(
    perClient: BucketRule,
    perAddress: BucketRule,
    /** A monotonic clock in ms. */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.clients = new Buckets(perClient);
    this.addresses = new Buckets(perAddress);
    this.lastSweep = now();
  }

  /** The per-client rule's rate (what a WebSocket's close reason names). */
  get ratePerSecond(): number {
    return this.clients.rule.ratePerSecond;
  }

  get burst(): number {
    return this.clients.rule.burst;
  }

  /** Takes a token for `key` (a `publisherKey`); returns null when the publish may go, else why and for how long not. */
  take(key: string): RateRefusal | null {
    const now = this.now();
    this.sweep(now);
    const { address, client } = publisherBuckets(key);
    const clientTokens = this.clients.tokens(client, now);
    const addressTokens = this.addresses.tokens(address, now);
    if (clientTokens >= 1 && addressTokens >= 1) {
      this.clients.set(client, clientTokens - 1, now);
      this.addresses.set(address, addressTokens - 1, now);
      return null;
    }
    this.clients.set(client, clientTokens, now);
    this.addresses.set(address, addressTokens, now);
    const clientWait = clientTokens < 1 ? this.clients.waitMs(clientTokens) : 0;
    const addressWait = addressTokens < 1 ? this.addresses.waitMs(addressTokens) : 0;
    const retryAfterMs = Math.max(clientWait, addressWait);
    const rule = clientWait >= addressWait ? this.clients.rule : this.addresses.rule;
    const who = clientWait >= addressWait ? 'per client' : 'per address, all its clients together';
    return {
      retryAfterMs,
      error: labError(
        'RATE_LIMITED',
        `publishing too fast: at most ${rule.ratePerSecond} a second with bursts of ${rule.burst} ${who}; try again in ${retryAfterMs} ms`,
      ),
    };
  }

  /** Buckets that are not full (what the limiter remembers), clients' and addresses'. */
  get size(): number {
    return this.clients.size + this.addresses.size;
  }

  /** At most once a second, forgets the buckets that have refilled. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 1_000) return;
    this.lastSweep = now;
    this.clients.sweep(now);
    this.addresses.sweep(now);
  }
}
