/**
 * Numbers in plain words, for sentences people read (fault notices, hints):
 * durations in the unit a person would use, counts with their noun.
 */

/** A duration as a person says it: "500 ms", "3 s", "2.5 s", "1 min 5 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'an unknown time';
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${Math.round(ms)} ms`;
  if (abs < 60_000) {
    const seconds = Math.round(ms / 100) / 10;
    return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
  }
  const total = Math.round(ms / 1_000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** "1 connection", "3 connections", "no connection". */
export function countOf(n: number, one: string, many = `${one}s`): string {
  if (n === 0) return `no ${one}`;
  return `${n} ${n === 1 ? one : many}`;
}
