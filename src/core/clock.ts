/**
 * The one clock every trace step is timed on, on the page and on the server:
 * ms since the epoch with sub-ms precision (performance.timeOrigin +
 * performance.now()). Browsers and Node both have `performance`, so the two
 * sides read the same kind of clock (the observer client estimates the offset
 * between them). The server's own logic (holds, leases, faults) reads
 * `lab.now()`, which tests can replace.
 */
export function traceClock(): number {
  return performance.timeOrigin + performance.now();
}
