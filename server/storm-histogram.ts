/** Counts times (ms) into `binMs` bins from 0 up to the last one. */
export function binArrivals(times: readonly number[], binMs: number): number[] {
  if (times.length === 0) return [];
  const bins = new Array<number>(Math.floor(Math.max(...times) / binMs) + 1).fill(0);
  for (const t of times) {
    const i = Math.floor(Math.max(0, t) / binMs);
    bins[i] = (bins[i] ?? 0) + 1;
  }
  return bins;
}

/**
 * The most times (ms, ascending) that fall within any window of `windowMs`,
 * and where the first such window starts.
 */
export function busiestWindow(
  times: readonly number[],
  windowMs: number,
): { count: number; startMs: number } {
  let best = { count: 0, startMs: 0 };
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while ((times[last] ?? 0) - (times[first] ?? 0) >= windowMs) first += 1;
    const count = last - first + 1;
    if (count > best.count) best = { count, startMs: times[first] ?? 0 };
  }
  return best;
}
