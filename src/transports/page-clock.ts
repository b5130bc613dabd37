/** The page's one clock: ms since the epoch with sub-ms precision. */
export function pageClock(): number {
  return performance.timeOrigin + performance.now();
}
