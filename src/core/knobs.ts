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
  heartbeat: { min: 250, max: 600_000 },
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
