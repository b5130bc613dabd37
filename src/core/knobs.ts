import { DEFAULT_BACKOFF } from './backoff';

/**
 * The knobs a learner can turn. Every technique reads the ones it has; all are
 * in ms. They travel to the server as query parameters where the server acts on
 * them (long-poll `timeout`, SSE `retry` and `heartbeat`, WebSocket `heartbeat`).
 */
export interface Knobs {
  /** Short polling: wait between the end of one poll and the start of the next. */
  pollIntervalMs: number;
  /** Long polling: how long the server may hold a request before answering empty. */
  longPollTimeoutMs: number;
  /** SSE: the `retry:` the server announces (the browser's reconnection delay). */
  sseRetryMs: number;
  /** SSE: how often the server sends a comment heartbeat. */
  sseHeartbeatMs: number;
  /** WebSocket: how often the server pings; a peer that misses its pong is cut off. */
  wsHeartbeatMs: number;
  /** Reconnecting after a failure: the first wait's ceiling, doubled on every failure in a row… */
  backoffBaseMs: number;
  /** …up to this. */
  backoffCapMs: number;
  /** Full jitter: wait a uniformly random time up to the ceiling (off: exactly the ceiling). */
  backoffJitter: boolean;
}

export const DEFAULT_KNOBS: Knobs = {
  pollIntervalMs: 2000,
  longPollTimeoutMs: 30_000,
  sseRetryMs: 3000,
  sseHeartbeatMs: 15_000,
  wsHeartbeatMs: 30_000,
  backoffBaseMs: DEFAULT_BACKOFF.baseMs,
  backoffCapMs: DEFAULT_BACKOFF.capMs,
  backoffJitter: DEFAULT_BACKOFF.jitter,
};

/**
 * The ranges of the knobs, in ms: the server refuses values outside them
 * (docs/protocol.md) and the playground checks them before sending.
 */
export const KNOB_RANGES = {
  /** Long poll: `timeout`. */
  timeout: { min: 0, max: 120_000 },
  /** SSE: `retry`. */
  retry: { min: 0, max: 600_000 },
  /** SSE and WebSocket: `heartbeat`. */
  heartbeat: { min: 250, max: 60_000 },
  /** Short polling: the wait between polls (the browser's own knob). */
  pollInterval: { min: 100, max: 60_000 },
} as const;

/** The SSE and WebSocket heartbeat of the "demo heartbeats" shortcut: a half-open connection is noticed in seconds. */
export const DEMO_HEARTBEAT_MS = 2_000;

export type KnobRange = { min: number; max: number };

/** Checks one knob value; returns a sentence saying what is wrong, or null when it is fine. */
export function checkKnob(label: string, value: number, range: KnobRange): string | null {
  return checkRange(label, value, range, { unit: 'ms', whole: true });
}

/** The sentence explaining why `value` is not a good `label`, or null when it is. */
export function checkRange(
  label: string,
  value: number,
  range: KnobRange,
  { unit, whole = false }: { unit?: string; whole?: boolean } = {},
): string | null {
  const units = unit ? ` ${unit}` : '';
  if (!Number.isFinite(value) || (whole && !Number.isInteger(value)))
    return `${label} must be a ${whole ? 'whole ' : ''}number${unit ? ` of ${unit}` : ''}`;
  if (value < range.min || value > range.max)
    return `${label} must be between ${range.min} and ${range.max}${units}`;
  return null;
}
