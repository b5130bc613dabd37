/**
 * The one clock every step on the page is timed on: ms since the epoch with
 * sub-ms precision (performance.timeOrigin + performance.now()). Browsers and
 * Node both have `performance`, so the server's readings are on the same kind
 * of clock (the observer client estimates the offset between the two).
 */
export function pageClock(): number {
  return performance.timeOrigin + performance.now();
}
