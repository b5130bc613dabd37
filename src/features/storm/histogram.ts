import { scaleLinear } from 'd3-scale';
import { BACKOFF_RANGES, type StormResult, type StormRun } from '../../core';

export type { StormResult, StormRun } from '../../core';
import { OKABE_ITO } from '../../diagram/palette';

/**
 * The reconnection-storm lesson without React: the shape of `POST
 * /api/storm`'s answer, the form's ranges and sentences, and the histogram's
 * layout (d3 scales turned into bars, ticks and peak marks), so that all of it
 * is tested without a DOM.
 */

export type StormField = 'clients' | 'downForMs' | 'baseMs' | 'capMs';
export type StormSettings = Record<StormField, number>;

/** The form's fields, in order, with the server's ranges (server/storm.ts) and defaults. */
export const STORM_FIELDS: Record<
  StormField,
  { label: string; unit?: string; min: number; max: number; initial: number; step: number }
> = {
  clients: { label: 'Clients', min: 200, max: 1000, initial: 300, step: 50 },
  downForMs: { label: 'Down for', unit: 'ms', min: 0, max: 10_000, initial: 2000, step: 250 },
  baseMs: {
    label: 'Base',
    unit: 'ms',
    min: BACKOFF_RANGES.baseMs.min,
    max: BACKOFF_RANGES.baseMs.max,
    initial: 1000,
    step: 50,
  },
  capMs: {
    label: 'Cap',
    unit: 'ms',
    min: BACKOFF_RANGES.capMs.min,
    max: 30_000,
    initial: 10_000,
    step: 500,
  },
};

export const STORM_FIELD_ORDER: readonly StormField[] = ['clients', 'downForMs', 'baseMs', 'capMs'];

export function initialStormSettings(): StormSettings {
  return {
    clients: STORM_FIELDS.clients.initial,
    downForMs: STORM_FIELDS.downForMs.initial,
    baseMs: STORM_FIELDS.baseMs.initial,
    capMs: STORM_FIELDS.capMs.initial,
  };
}

/** The sentence explaining why a typed value is refused, or null when it is fine. */
export function checkStormField(field: StormField, value: number): string | null {
  const { label, unit, min, max } = STORM_FIELDS[field];
  if (Number.isInteger(value) && value >= min && value <= max) return null;
  const what = unit ? `${label} (${unit})` : label;
  return `${what} must be a whole number from ${min} to ${max}.`;
}

export type StormSeries = 'nojitter' | 'jitter';

export const STORM_SERIES: Record<StormSeries, { label: string; colour: string }> = {
  nojitter: { label: 'without jitter', colour: OKABE_ITO.vermillion },
  jitter: { label: 'with jitter', colour: OKABE_ITO.blue },
};

export function seriesOf(run: StormRun): StormSeries {
  return run.jitter ? 'jitter' : 'nojitter';
}

export interface HistogramBar {
  series: StormSeries;
  /** The bin's start, in ms after the restart. */
  startMs: number;
  count: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface HistogramTick {
  value: number;
  /** x for the time axis, y for the count axis. */
  at: number;
  label: string;
}

/**
 * A run's busiest 100 ms: a bracket at the height of its count over the time
 * it spans (any 100 ms, so it may straddle two bars and rise above both).
 */
export interface HistogramPeak {
  series: StormSeries;
  count: number;
  startMs: number;
  x1: number;
  x2: number;
  y: number;
  label: string;
}

export interface HistogramLayout {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  bars: HistogramBar[];
  xTicks: HistogramTick[];
  yTicks: HistogramTick[];
  peaks: HistogramPeak[];
  /** Where the restarted server starts answering 200. */
  upAt: { x: number; label: string } | null;
}

export const HISTOGRAM_MARGIN = { top: 24, right: 12, bottom: 40, left: 52 } as const;

/** Seconds as the axis and the text show them: "0 s", "1.5 s", "12 s". */
export function formatSeconds(ms: number): string {
  const s = Math.round(ms / 10) / 100;
  return `${s.toLocaleString('en-US', { maximumFractionDigits: 2 })} s`;
}

/**
 * Lays out both runs as one grouped histogram: per 100 ms bin, the run
 * without jitter on the left half and the run with jitter on the right.
 * Empty bins draw nothing; the count axis starts at 0 and is shared.
 */
export function layoutHistogram(
  result: StormResult,
  size: { width: number; height: number },
): HistogramLayout {
  const { width, height } = size;
  const plot = {
    left: HISTOGRAM_MARGIN.left,
    top: HISTOGRAM_MARGIN.top,
    right: Math.max(HISTOGRAM_MARGIN.left + 10, width - HISTOGRAM_MARGIN.right),
    bottom: Math.max(HISTOGRAM_MARGIN.top + 10, height - HISTOGRAM_MARGIN.bottom),
  };
  const binMs = result.binMs;
  const bins = Math.max(
    1,
    ...result.runs.map((run) => run.arrivalsPer100ms.length),
    Math.ceil(result.downForMs / binMs) + 1,
  );
  const x = scaleLinear()
    .domain([0, bins * binMs])
    .range([plot.left, plot.right]);
  const peak = Math.max(1, ...result.runs.map((run) => run.peakPer100ms));
  const y = scaleLinear().domain([0, peak]).nice().range([plot.bottom, plot.top]);
  // Bins hold whole 100 ms from the restart; a peak window may start anywhere.

  const slot = x(binMs) - x(0);
  const gap = slot > 6 ? 1 : 0;
  const barWidth = Math.max(0.5, slot / 2 - gap);
  const offsets: Record<StormSeries, number> = { nojitter: 0, jitter: slot / 2 };

  const bars: HistogramBar[] = [];
  const peaks: HistogramPeak[] = [];
  for (const run of result.runs) {
    const series = seriesOf(run);
    run.arrivalsPer100ms.forEach((count, bin) => {
      if (count <= 0) return;
      const top = y(count);
      bars.push({
        series,
        startMs: bin * binMs,
        count,
        x: x(bin * binMs) + offsets[series],
        y: top,
        width: barWidth,
        height: plot.bottom - top,
      });
    });
    if (run.peakPer100ms > 0) {
      peaks.push({
        series,
        count: run.peakPer100ms,
        startMs: run.peakAtMs,
        x1: x(run.peakAtMs),
        x2: x(run.peakAtMs + binMs),
        y: y(run.peakPer100ms),
        label: `peak ${run.peakPer100ms}`,
      });
    }
  }

  const xTicks = x
    .ticks(Math.max(2, Math.floor((plot.right - plot.left) / 70)))
    .map((value) => ({ value, at: x(value), label: formatSeconds(value) }));
  const yTicks = y
    .ticks(5)
    .filter((value) => Number.isInteger(value))
    .map((value) => ({ value, at: y(value), label: String(value) }));
  const upAt =
    result.downForMs > 0
      ? {
          x: x(result.downForMs),
          label: `server answers 200 from ${formatSeconds(result.downForMs)}`,
        }
      : null;

  return { width, height, plot, bars, xTicks, yTicks, peaks, upAt };
}

/** One run in a sentence, e.g. "Without jitter: 300 requests within 100 ms at most (…)". */
export function describeRun(run: StormRun, result: StormResult): string {
  const name = run.jitter ? 'With jitter' : 'Without jitter';
  const share = Math.round((100 * run.peakPer100ms) / result.clients);
  const last =
    run.lastConnectedMs === null
      ? 'no client got in'
      : run.connected === result.clients
        ? `the last client got in at ${formatSeconds(run.lastConnectedMs)}`
        : `${run.connected} of ${result.clients} clients got in, the last at ${formatSeconds(run.lastConnectedMs)}`;
  const cut = run.timedOut
    ? `; the run was stopped at its ${formatSeconds(result.runLimitMs)} limit`
    : '';
  return (
    `${name}: at most ${run.peakPer100ms} requests within 100 ms (${share}% of the ${result.clients} clients, ` +
    `from ${formatSeconds(run.peakAtMs)} after the restart); ${run.requests} requests in all, ` +
    `${run.refused} refused with 503; ${last}${cut}.`
  );
}

/** Beyond this lag the simulated clients were visibly late, and the text says so. */
export const BUSY_LATE_MS = 100;

/** A sentence when the simulation fell behind (many clients, or a busy machine), or null. */
export function describeLag(result: StormResult): string | null {
  const late = Math.max(...result.runs.map((run) => run.lateMs));
  if (!(late > BUSY_LATE_MS)) return null;
  return (
    `The simulation fell behind: some clients started up to ${Math.round(late)} ms late ` +
    '(one thread opens their connections one after another, and other work on this machine takes its share of the CPU), ' +
    'so the bursts are smeared and the peaks are lower than the same clients on separate machines would cause.'
  );
}
