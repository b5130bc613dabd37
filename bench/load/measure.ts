/**
 * The load lab's measuring arithmetic that is not part of the results model: latencies
 * counted in buckets (a client process reports thousands of deliveries as a few hundred
 * pairs), their quantiles, and the summary of a fan-out. Pure, unit-tested.
 */
import { quantile } from '../../src/core/load-results';

/** Latencies as `[bucket (ms), count]` pairs: what a client process sends back over IPC. */
export type LatencyCounts = [number, number][];

/**
 * The bucket a latency falls in: 0.01 ms under 10 ms, 0.1 ms under 1 s, 1 ms above
 * (at most 0.5 % off, enough for p99s of a few ms as for stalls of seconds).
 */
export function bucketMs(ms: number): number {
  const v = Math.max(0, ms);
  if (v < 10) return Math.round(v * 100) / 100;
  if (v < 1000) return Math.round(v * 10) / 10;
  return Math.round(v);
}

/** A growing tally of latencies by bucket. */
export class LatencyTally {
  private readonly byBucket = new Map<number, number>();
  private total = 0;

  add(ms: number): void {
    const bucket = bucketMs(ms);
    this.byBucket.set(bucket, (this.byBucket.get(bucket) ?? 0) + 1);
    this.total += 1;
  }

  get count(): number {
    return this.total;
  }

  counts(): LatencyCounts {
    return [...this.byBucket.entries()].sort((a, b) => a[0] - b[0]);
  }
}

/** Several processes' counts as one, sorted by bucket. */
export function mergeCounts(parts: readonly LatencyCounts[]): LatencyCounts {
  const merged = new Map<number, number>();
  for (const part of parts) {
    for (const [bucket, n] of part) merged.set(bucket, (merged.get(bucket) ?? 0) + n);
  }
  return [...merged.entries()].sort((a, b) => a[0] - b[0]);
}

export function countOf(counts: LatencyCounts): number {
  return counts.reduce((sum, [, n]) => sum + n, 0);
}

/**
 * The value at quantile `q` of counted latencies, by the same nearest rank as `quantile`
 * over the values themselves; NaN when empty.
 */
export function quantileOfCounts(counts: LatencyCounts, q: number): number {
  const sorted = [...counts].sort((a, b) => a[0] - b[0]);
  const total = countOf(sorted);
  if (total === 0) return Number.NaN;
  const rank = Math.min(total - 1, Math.max(0, Math.ceil(q * total) - 1));
  let seen = 0;
  for (const [bucket, n] of sorted) {
    seen += n;
    if (seen > rank) return bucket;
  }
  return sorted[sorted.length - 1]![0];
}

export function maxOfCounts(counts: LatencyCounts): number {
  let max = Number.NaN;
  for (const [bucket, n] of counts) if (n > 0 && !(bucket <= max)) max = bucket;
  return max;
}

/** One publish as its receivers saw it. */
export interface PublishDeliveries {
  counts: LatencyCounts;
  /** Receivers that should have got it. */
  expected: number;
}

export interface FanOutSummary {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Median over the publishes of the latency to each one's last receiver. */
  lastP50Ms: number;
  publishes: number;
  missing: number;
}

/** Several publishes' deliveries pooled: p50/p99/max to each receiver, and to the last one. */
export function summarizeFanOut(publishes: readonly PublishDeliveries[]): FanOutSummary {
  const pooled = mergeCounts(publishes.map((p) => p.counts));
  const lasts = publishes.map((p) => maxOfCounts(p.counts)).filter((v) => Number.isFinite(v));
  const missing = publishes.reduce(
    (sum, p) => sum + Math.max(0, p.expected - countOf(p.counts)),
    0,
  );
  return {
    p50Ms: quantileOfCounts(pooled, 0.5),
    p99Ms: quantileOfCounts(pooled, 0.99),
    maxMs: maxOfCounts(pooled),
    lastP50Ms: quantile(lasts, 0.5),
    publishes: publishes.length,
    missing,
  };
}

/** One rate tried in the throughput search. */
export interface RateStep {
  perSecond: number;
  p99Ms: number;
  /** Deliveries that never arrived. */
  missing: number;
  /** Publishes actually sent a second (the publisher may fall behind the asked rate). */
  sentPerSecond: number;
}

/** Whether a step kept its p99 within the budget with nothing lost and the publisher on pace. */
export function stepHolds(step: RateStep, budgetMs: number): boolean {
  return step.missing === 0 && step.p99Ms <= budgetMs && step.sentPerSecond >= 0.9 * step.perSecond;
}

/**
 * The next rate to try after `steps` (in the order tried): double until one fails,
 * then halve the gap between the best that held and the lowest that failed, until that
 * gap is under 15 % of the rate or `maxSteps` have run; undefined when done.
 */
export function nextRate(
  steps: readonly RateStep[],
  budgetMs: number,
  options: { first: number; max: number; maxSteps: number },
): number | undefined {
  if (steps.length === 0) return options.first;
  if (steps.length >= options.maxSteps) return undefined;
  const held = steps.filter((s) => stepHolds(s, budgetMs)).map((s) => s.perSecond);
  const failed = steps.filter((s) => !stepHolds(s, budgetMs)).map((s) => s.perSecond);
  const best = held.length > 0 ? Math.max(...held) : 0;
  if (failed.length === 0) {
    const next = best * 2;
    return next <= options.max ? next : undefined;
  }
  const low = Math.min(...failed);
  if (best === 0) {
    const next = Math.floor(low / 2);
    return next >= 1 && !steps.some((s) => s.perSecond === next) ? next : undefined;
  }
  if (low - best < 0.15 * best) return undefined;
  const next = Math.round((best + low) / 2);
  return steps.some((s) => s.perSecond === next) ? undefined : next;
}

/** The highest rate that held, with its p99, and the lowest that failed. */
export function sustainedRate(
  steps: readonly RateStep[],
  budgetMs: number,
): { perSecond: number; p99Ms: number; failedAt: number | undefined } {
  const held = steps.filter((s) => stepHolds(s, budgetMs));
  const failed = steps.filter((s) => !stepHolds(s, budgetMs));
  const best = held.reduce<RateStep | undefined>(
    (b, s) => (b === undefined || s.perSecond > b.perSecond ? s : b),
    undefined,
  );
  const failedAt = failed.length > 0 ? Math.min(...failed.map((s) => s.perSecond)) : undefined;
  return { perSecond: best?.perSecond ?? 0, p99Ms: best?.p99Ms ?? Number.NaN, failedAt };
}

/** Splits `total` into `parts` near-equal whole shares (the first ones one larger). */
export function shares(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/** The loopback source addresses 127.0.0.2 … 127.0.0.(n+1). */
export function sourceAddresses(n: number): string[] {
  if (!Number.isInteger(n) || n < 1 || n > 250) {
    throw new RangeError(`source addresses must be 1–250, got ${n}`);
  }
  return Array.from({ length: n }, (_, i) => `127.0.0.${i + 2}`);
}
