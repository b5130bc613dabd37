import {
  agrees,
  longPollModel,
  measureRun,
  shortPollModel,
  type RunMeasures,
  type Stats,
  type Technique,
  type TraceEvent,
  type Knobs,
} from '../../core';

/** One claim of theory set beside the measurement. */
export interface TheoryRow {
  claim: string;
  expected: number | null;
  measured: number | null;
  unit: string;
  /** `agrees` within the tolerance, `disagrees`, or `collecting` until there are enough samples. */
  verdict: 'agrees' | 'disagrees' | 'collecting';
}

/** How far a measurement may stray from the model and still agree. */
export const TOLERANCE = 0.15;
/** Samples needed before a verdict. */
export const MIN_SAMPLES = 10;

function row(
  claim: string,
  expected: number | null,
  measured: number | null,
  unit: string,
  samples: number,
): TheoryRow {
  const verdict =
    expected === null || measured === null || !Number.isFinite(expected) || samples < MIN_SAMPLES
      ? 'collecting'
      : agrees(measured, expected, TOLERANCE)
        ? 'agrees'
        : 'disagrees';
  return {
    claim,
    expected: expected !== null && Number.isFinite(expected) ? expected : null,
    measured,
    unit,
    verdict,
  };
}

/** What a technique's claims are checked on: the knobs, the run's counters and measures, its receivers. */
interface TheoryInput {
  knobs: Knobs;
  stats: Stats;
  run: RunMeasures;
  receivers: readonly string[];
  /** A count of what is open now is a fact, not a sample: one look is enough once something was asked. */
  instant: number;
  /** What is open now, per receiver. */
  perReceiver: number | null;
}

function shortPollRows({ knobs, stats, run }: TheoryInput): TheoryRow[] {
  const model = shortPollModel(knobs.pollIntervalMs, run.publishRate, run.roundTripMs ?? 0);
  return [
    row(
      'Mean latency ≈ half the poll period + a round trip',
      model.meanLatencyMs,
      stats.latency.mean,
      'ms',
      stats.latency.count,
    ),
    row(
      'Share of polls that come back empty',
      model.emptyShare * 100,
      stats.wastedShare * 100,
      '%',
      stats.pollResponses,
    ),
    row(
      'Polls per receiver per second',
      model.requestsPerSecond,
      run.requestsPerReceiverPerSecond,
      '/s',
      stats.requests,
    ),
  ];
}

function longPollRows({ knobs, stats, run, instant, perReceiver }: TheoryInput): TheoryRow[] {
  const model = longPollModel(knobs.longPollTimeoutMs, run.publishRate);
  return [
    row(
      'Requests per delivered message ≈ 1 (+ 1 per timeout)',
      model.requestsPerMessage,
      run.requestsPerDelivery,
      '',
      stats.delivered,
    ),
    row('Held requests per receiver', 1, perReceiver, '', instant),
  ];
}

function sseRows({ stats, run, instant, perReceiver }: TheoryInput): TheoryRow[] {
  return [
    row('Open streams per receiver', 1, perReceiver, '', instant),
    row(
      'Bytes down per delivered message (event lines + framing)',
      null,
      run.bytesDownPerDelivery,
      'B',
      stats.delivered,
    ),
  ];
}

function websocketRows({ stats, run, receivers, instant }: TheoryInput): TheoryRow[] {
  return [
    row(
      'Frame header, server → browser (RFC 6455: 2, 4 or 10 B by size)',
      run.frameHeaderDownExpected,
      run.frameHeaderDown,
      'B',
      stats.delivered,
    ),
    row(
      'Frame header, browser → server (masked: 4 B more)',
      run.frameHeaderUpExpected,
      run.frameHeaderUp,
      'B',
      stats.delivered,
    ),
    row(
      'Open sockets per participant',
      1,
      receivers.length > 0 ? stats.openConnections / (receivers.length + 1) : null,
      '',
      instant,
    ),
  ];
}

const ROWS_OF: Record<Technique, (input: TheoryInput) => TheoryRow[]> = {
  'short-poll': shortPollRows,
  'long-poll': longPollRows,
  sse: sseRows,
  websocket: websocketRows,
};

/**
 * The textbook claims for a technique, checked against this run: `stats` are
 * the run's counters and its steps begin at `from` in `events` (its segment).
 */
export function theoryRows(
  technique: Technique,
  knobs: Knobs,
  stats: Stats,
  events: readonly TraceEvent[],
  receivers: readonly string[],
  from = 0,
): TheoryRow[] {
  return ROWS_OF[technique]({
    knobs,
    stats,
    run: measureRun(events, receivers, from),
    receivers,
    instant: stats.requests > 0 ? MIN_SAMPLES : 0,
    perReceiver: receivers.length > 0 ? stats.openConnections / receivers.length : null,
  });
}
