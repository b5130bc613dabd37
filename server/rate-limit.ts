import { LabError, labError } from '../src/core';

/** A client's bucket: tokens left at `at` (ms on the limiter's clock). */
interface Bucket {
  tokens: number;
  at: number;
}

/** What a publish over the limit is refused with, and when a token will be there again. */
export interface RateRefusal {
  error: LabError;
  retryAfterMs: number;
}

/** Keys a client by its `client=` label when it gave one, else by its address. */
export function publisherKey(label: string | undefined, address: string | undefined): string {
  return label !== undefined ? `client:${label}` : `address:${address ?? 'unknown'}`;
}

/**
 * Token buckets, one per client: a bucket holds at most `burst` tokens, refills
 * at `ratePerSecond`, and each publish takes one. A client may publish `burst`
 * at once and `ratePerSecond` sustained. Full buckets are forgotten (a fresh
 * bucket is full), so clients that stop publishing cost nothing.
 */
export class PublishRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    /** A monotonic clock in ms. */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastSweep = now();
  }

  /** Takes a token for `key`; returns null when the publish may go, else why and for how long not. */
  take(key: string): RateRefusal | null {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    const tokens = Math.min(
      this.burst,
      bucket.tokens + ((now - bucket.at) * this.ratePerSecond) / 1000,
    );
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return null;
    }
    this.buckets.set(key, { tokens, at: now });
    // The epsilon keeps float dust (0.998 tokens at 2/s → 1.0000000000000009 ms) from adding a ms.
    const retryAfterMs = Math.max(1, Math.ceil(((1 - tokens) * 1000) / this.ratePerSecond - 1e-9));
    return {
      retryAfterMs,
      error: labError(
        'RATE_LIMITED',
        `publishing too fast: at most ${this.ratePerSecond} a second with bursts of ${this.burst} per client; try again in ${retryAfterMs} ms`,
      ),
    };
  }

  /** Clients with a bucket that is not full (what the limiter remembers). */
  get size(): number {
    return this.buckets.size;
  }

  /** At most once a second, forgets the buckets that have refilled. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 1_000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) * this.ratePerSecond) / 1000 >= this.burst)
        this.buckets.delete(key);
    }
  }
}
