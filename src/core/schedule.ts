/**
 * Send schedules. A steady one sends every 1/rate seconds; a random one sends
 * at Poisson times (exponential gaps with the same mean rate), drawn from a
 * seeded generator so that a run can be repeated exactly.
 */

/** mulberry32: a small, fast, seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type SendPattern = 'steady' | 'random';

/** What a page asks the server to play into a channel (docs/protocol.md, "Schedules"). */
export interface ScheduleSpec {
  rate: number;
  count: number;
  seed?: number;
  pattern?: SendPattern;
  delayMs?: number;
  from?: string;
  type?: string;
}

/** The wait before each next send, in ms, for a rate in messages per second. */
export function sendGaps(pattern: SendPattern, ratePerSecond: number, seed = 1): () => number {
  const mean = 1000 / ratePerSecond;
  if (pattern === 'steady') return () => mean;
  const random = seededRandom(seed);
  return () => -Math.log(1 - random()) * mean;
}
