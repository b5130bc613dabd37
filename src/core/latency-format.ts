/**
 * Latencies honest about the clock. A message sent from the page and received
 * in the same page is timed on one clock: its latency is exact. A message the
 * server made is timed from the server's publish moved onto the page's clock
 * by the sync offset, which is only known give or take its uncertainty: a
 * latency within a few uncertainties of zero says little more than "at most
 * this", and can even come out negative.
 */

/** Latencies timed across clocks below this many clock uncertainties are shown as a bound. */
export const CLOCK_BOUND_FACTOR = 3;

/** How a latency figure may be stated. */
export type LatencyReading =
  /** On one clock, or far enough above the clock's uncertainty to stand as measured. */
  | { kind: 'measured'; ms: number }
  /** Across clocks and under CLOCK_BOUND_FACTOR uncertainties: at most `ms`. */
  | { kind: 'at-most'; ms: number; uncertaintyMs: number }
  /** Across clocks, with no estimate of the clock's uncertainty (an older recording): never below 0. */
  | { kind: 'clock-unknown'; ms: number };

/** Where a latency's two times came from. */
export interface LatencyClock {
  /** Timed across clocks: the server's publish moved onto the page's clock. */
  acrossClocks: boolean;
  /** The clock offset estimate's ± in ms; null when it is not known. */
  uncertaintyMs: number | null;
}

/**
 * States a measured latency: as it is when timed on one clock; across clocks,
 * under 3× the uncertainty U it becomes "at most max(U, ms + U)" (never
 * negative, never below U), and with U unknown it is kept at 0 or more.
 */
export function readLatency(ms: number, clock: LatencyClock): LatencyReading {
  if (!clock.acrossClocks) return { kind: 'measured', ms };
  const u = clock.uncertaintyMs;
  if (u === null || !Number.isFinite(u) || u < 0)
    return { kind: 'clock-unknown', ms: Math.max(0, ms) };
  if (ms >= CLOCK_BOUND_FACTOR * u) return { kind: 'measured', ms };
  return { kind: 'at-most', ms: Math.max(u, ms + u), uncertaintyMs: u };
}

/** Rounds up to `decimals` places (an upper bound must not shrink by rounding). */
export function roundUp(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  // The epsilon keeps 0.3 (0.30000000000000004) from rounding up to 0.4.
  return Math.ceil(value * scale - 1e-9) / scale;
}

/** One decimal under 10 ms, whole ms from there ('auto'), or always whole ms. */
export type LatencyPrecision = 'auto' | 'whole';

function decimalsFor(value: number, precision: LatencyPrecision): number {
  return precision === 'whole' || Math.abs(value) >= 10 ? 0 : 1;
}

function plain(value: number, precision: LatencyPrecision): string {
  return value.toFixed(decimalsFor(value, precision));
}

function upTo(value: number, precision: LatencyPrecision): string {
  const decimals = decimalsFor(value, precision);
  return roundUp(value, decimals).toFixed(decimals);
}

/**
 * A latency as text: `12 ms`, `≤ 16 ms (clock ±15)` when it rests on the
 * clock estimate, `0 ms (clock ±?)` when that estimate's uncertainty is not
 * known; `—` for no figure.
 */
export function formatLatency(
  ms: number | null,
  clock: LatencyClock,
  precision: LatencyPrecision = 'auto',
): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const reading = readLatency(ms, clock);
  switch (reading.kind) {
    case 'measured':
      return `${plain(reading.ms, precision)} ms`;
    case 'at-most':
      return `≤ ${upTo(reading.ms, precision)} ms (clock ±${upTo(reading.uncertaintyMs, 'auto')})`;
    case 'clock-unknown':
      return `${plain(reading.ms, precision)} ms (clock ±?)`;
  }
}

/** A latency for CSV: a plain number (ms, to 0.1), `<=16` for a bound, empty for none. */
export function latencyCsvCell(ms: number | null, clock: LatencyClock): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  const reading = readLatency(ms, clock);
  if (reading.kind === 'at-most') return `<=${roundUp(reading.ms, 1)}`;
  return (Math.round(reading.ms * 10) / 10).toString();
}
