/**
 * A stream or socket with no sign of life (an event, a frame, a heartbeat) for
 * this many heartbeat intervals is presumed dead (half-open) and reopened.
 */
export const SILENCE_HEARTBEATS = 2.5;
