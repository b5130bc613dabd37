/**
 * Reconnection delays: exponential backoff with optional full jitter
 * ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015). The n-th
 * retry (from 0) waits min(cap, base · 2ⁿ); with full jitter it waits a
 * uniformly random time between 0 and that. Without jitter every client that
 * lost its connection at the same moment comes back at the same moment.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  jitter: boolean;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, capMs: 10_000, jitter: true };

export const BACKOFF_RANGES = {
  baseMs: { min: 50, max: 10_000 },
  capMs: { min: 100, max: 120_000 },
} as const;

/** The ceiling of the n-th wait (n from 0): base · 2ⁿ, never above cap. */
export function backoffCeiling(attempt: number, policy: BackoffPolicy): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

/** The n-th wait in ms; `random` gives numbers in [0, 1) (Math.random, or a seeded one for repeatable runs). */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = backoffCeiling(attempt, policy);
  return policy.jitter ? random() * ceiling : ceiling;
}
