import { wsFrameHeaderBytes } from './wsframe';

/**
 * What theory expects of each technique, to set beside what was measured.
 * Messages are modelled as arriving at random (a Poisson stream of `ratePerSecond`),
 * which is what the playground's auto-send approximates and what textbooks assume.
 */

/** Short polling with `intervalMs` between the end of one poll and the start of the next. */
export function shortPollModel(intervalMs: number, ratePerSecond: number, roundTripMs: number) {
  const periodMs = intervalMs + roundTripMs;
  return {
    /** Each receiver asks this often, messages or not. */
    requestsPerSecond: 1000 / periodMs,
    /** A message waits, on average, half a poll period for the next poll, then travels back. */
    meanLatencyMs: periodMs / 2 + roundTripMs,
    /** The share of polls that find nothing: no message in one period. */
    emptyShare: Math.exp((-ratePerSecond * periodMs) / 1000),
  };
}

/** Long polling with the server holding a request up to `timeoutMs`. */
export function longPollModel(timeoutMs: number, ratePerSecond: number) {
  const perMs = ratePerSecond / 1000;
  // A held request ends at the next message or at the timeout, whichever comes first.
  const timeoutShare = perMs > 0 ? Math.exp(-perMs * timeoutMs) : 1;
  const meanHoldMs = perMs > 0 ? (1 - timeoutShare) / perMs : timeoutMs;
  return {
    requestsPerSecond: meanHoldMs > 0 ? 1000 / meanHoldMs : Infinity,
    /** About one request per message, plus one per timeout. */
    requestsPerMessage: ratePerSecond > 0 ? 1 / (1 - timeoutShare) : Infinity,
    timeoutShare,
    heldConnectionsPerClient: 1,
  };
}

/** WebSocket framing per message (RFC 6455 §5.2): a server → client frame and, for a publish, a masked one up. */
export function webSocketFramingModel(payloadBytes: number) {
  return {
    downHeaderBytes: wsFrameHeaderBytes(payloadBytes, false),
    upHeaderBytes: wsFrameHeaderBytes(payloadBytes, true),
    connectionsPerClient: 1,
  };
}

/** Projects a per-client cost to N users: polling every `intervalMs` is users × 1000 / interval requests a second. */
export function pollingLoad(users: number, intervalMs: number): number {
  return (users * 1000) / intervalMs;
}

/** Whether a measurement agrees with its expectation within a relative tolerance. */
export function agrees(measured: number, expected: number, tolerance: number): boolean {
  if (expected === 0) return Math.abs(measured) <= tolerance;
  return Math.abs(measured - expected) / Math.abs(expected) <= tolerance;
}

/**
 * Clock offset between the page and the server from sync exchanges: the page
 * notes when it asked (t0) and when the answer came (t1), the server its own
 * time in between. The exchange with the shortest round trip bounds the offset
 * best: offset = serverTime − (t0 + t1) / 2, give or take half that round trip.
 */
export interface SyncSample {
  t0: number;
  serverTime: number;
  t1: number;
}

export function estimateClockOffset(
  samples: readonly SyncSample[],
): { offsetMs: number; uncertaintyMs: number } | null {
  let best: SyncSample | null = null;
  for (const sample of samples) {
    if (sample.t1 < sample.t0) continue;
    if (!best || sample.t1 - sample.t0 < best.t1 - best.t0) best = sample;
  }
  if (!best) return null;
  return {
    offsetMs: best.serverTime - (best.t0 + best.t1) / 2,
    uncertaintyMs: (best.t1 - best.t0) / 2,
  };
}

/** What one client costs the server, per second and at any moment. */
export interface PerClientCost {
  requestsPerSecond: number;
  bytesPerSecond: number;
  openConnections: number;
}

/** Multiplies one client's cost by N users: requests a second, bandwidth and connections held open at once. */
export function projectScale(cost: PerClientCost, users: number) {
  return {
    requestsPerSecond: cost.requestsPerSecond * users,
    megabitsPerSecond: (cost.bytesPerSecond * users * 8) / 1e6,
    openConnections: cost.openConnections * users,
  };
}

/** The model's per-client cost of a technique, for a message rate and the knobs (receivers only). */
export function modelledCost(
  technique: 'short-poll' | 'long-poll' | 'sse' | 'websocket',
  knobs: { pollIntervalMs: number; longPollTimeoutMs: number },
  ratePerSecond: number,
  bytesPerRequest: number,
  bytesPerPush: number,
): PerClientCost {
  switch (technique) {
    case 'short-poll': {
      const rps = 1000 / knobs.pollIntervalMs;
      return { requestsPerSecond: rps, bytesPerSecond: rps * bytesPerRequest, openConnections: 0 };
    }
    case 'long-poll': {
      const rps = longPollModel(knobs.longPollTimeoutMs, ratePerSecond).requestsPerSecond;
      return { requestsPerSecond: rps, bytesPerSecond: rps * bytesPerRequest, openConnections: 1 };
    }
    default:
      return {
        requestsPerSecond: 0,
        bytesPerSecond: ratePerSecond * bytesPerPush,
        openConnections: 1,
      };
  }
}
