/**
 * A bounded run's arithmetic (the lab's live run, `POST /api/load/run`): how long each step is
 * expected to take, and whether it still fits before the run's planning deadline. The costs
 * were read from runs on this project's 2-core machine with other work on it, and rounded up:
 * a step that is planned in and then runs long is cut at the run's hard stop (harness.ts).
 * Pure, unit-tested.
 */
import type { LoadConfig } from './config';

export const STEP_COSTS = {
  /** A held subject's warm-up, its two memory readings, health, closing and the audit, ms. */
  heldFixedMs: 600,
  /** Each connection opened and closed again, ms. */
  perConnectionMs: 1.5,
  /** Each publish fanned out: its answer, the collect and the pause after it, ms. */
  perPublishMs: 250,
  /** Around each autocannon run: the request for it, its start and its answer, ms. */
  perRateRunMs: 400,
  /** A throughput search's publisher and the close of its receivers, ms. */
  throughputFixedMs: 600,
  /** Around each rate held: the collect after it and the pause, ms. */
  perThroughputStepMs: 400,
} as const;

/** One held subject: up to the largest N, each N measured (and fanned out to, when `fanOut`). */
export function heldEstimateMs(config: LoadConfig, fanOut: boolean): number {
  const largest = Math.max(...config.clients);
  const publishes = fanOut ? config.fanOutPublishes * config.clients.length : 0;
  return (
    STEP_COSTS.heldFixedMs +
    STEP_COSTS.perConnectionMs * largest +
    STEP_COSTS.perPublishMs * publishes
  );
}

/** `runs` autocannon runs of `rateSeconds`, after a warm-up run when there is one. */
export function rateEstimateMs(config: LoadConfig, runs: number): number {
  const warmUp =
    config.rateWarmupSeconds > 0 ? config.rateWarmupSeconds * 1_000 + STEP_COSTS.perRateRunMs : 0;
  return warmUp + runs * (config.rateSeconds * 1_000 + STEP_COSTS.perRateRunMs);
}

/** One throughput search: its receivers, a warm-up rate and at most `throughputMaxSteps` rates. */
export function throughputEstimateMs(config: LoadConfig): number {
  const rates = config.throughputMaxSteps + 1;
  return (
    STEP_COSTS.throughputFixedMs +
    STEP_COSTS.perConnectionMs * config.throughputReceivers +
    rates * (config.throughputStepMs + STEP_COSTS.perThroughputStepMs)
  );
}

/** Whether a step expected to take `estimateMs` ends by `deadline`, starting at `now` (both ms). */
export function fits(now: number, estimateMs: number, deadline: number): boolean {
  return now + estimateMs <= deadline;
}

/** The note a skipped step leaves in the results. */
export function skippedNote(label: string, estimateMs: number, leftMs: number): string {
  const s = (ms: number): string => `${(Math.max(0, ms) / 1_000).toFixed(1)} s`;
  return `Not measured, to end within the run's time: ${label} (about ${s(estimateMs)}, ${s(leftMs)} left).`;
}
