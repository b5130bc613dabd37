import type { TraceEvent } from './trace';
import { wsFrameHeaderBytes } from './wsframe';

/** Figures of a run that the models predict, measured from its trace. */
export interface RunMeasures {
  durationMs: number;
  /** Messages published from this page. */
  publishes: number;
  /** Published messages a second. */
  publishRate: number;
  /** Median time from a receiver's request to its response, for requests answered at once (not held). */
  roundTripMs: number | null;
  /** Receivers' HTTP requests (polls, stream opens, upgrades). */
  receiverRequests: number;
  /** Receivers' HTTP requests a second, per receiver. */
  requestsPerReceiverPerSecond: number;
  /** Receivers' requests per delivered message. */
  requestsPerDelivery: number | null;
  /** Mean WebSocket frame header, in bytes, by direction, as the server counted it. */
  frameHeaderDown: number | null;
  frameHeaderUp: number | null;
  /** What RFC 6455 §5.2 says those headers must be for the payload sizes seen. */
  frameHeaderDownExpected: number | null;
  frameHeaderUpExpected: number | null;
  /** Bytes down (header + payload, the server's count when it has one) per delivered message. */
  bytesDownPerDelivery: number | null;
}

const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};

/**
 * Measures a run from its trace; `receivers` are the participants who listen
 * (not the sender). `from`: the index its steps begin at (the run's `segment`
 * step: earlier runs of the same trace are not measured).
 */
export function measureRun(
  events: readonly TraceEvent[],
  receivers: readonly string[],
  from = 0,
): RunMeasures {
  const listening = new Set(receivers);
  let first = Infinity;
  let last = -Infinity;
  let publishes = 0;
  let receiverRequests = 0;
  let deliveries = 0;
  const requestAt = new Map<string, number>();
  const quickTrips: number[] = [];
  // Per direction: header bytes counted, frames, header bytes the RFC's arithmetic gives.
  const frames = { up: [0, 0, 0], down: [0, 0, 0] };
  let serverDown = 0;
  let clientDown = 0;
  for (let index = Math.max(0, from); index < events.length; index++) {
    const event = events[index]!;
    first = Math.min(first, event.t);
    last = Math.max(last, event.t);
    if (event.observer === 'server') {
      if (event.kind === 'ws-frame' && event.bytes && event.dir !== 'none') {
        const side = frames[event.dir];
        side[0]! += event.bytes.header;
        side[1]! += 1;
        side[2]! += wsFrameHeaderBytes(event.bytes.payload, event.dir === 'up');
      }
      if (event.dir === 'down' && event.bytes && event.peer && listening.has(event.peer)) {
        serverDown += event.bytes.header + event.bytes.payload;
      }
      continue;
    }
    if (event.kind === 'publish') publishes += event.messageIds?.length ?? 0;
    if (!listening.has(event.actor)) continue;
    if (event.dir === 'down' && event.bytes) clientDown += event.bytes.header + event.bytes.payload;
    if (event.kind === 'request') {
      receiverRequests++;
      requestAt.set(event.conn, event.t);
    } else if (event.kind === 'response') {
      const sent = requestAt.get(event.conn);
      // A short poll is answered at once, messages or not: each is a plain round trip.
      // (Empty answers alone would not do: at a brisk rate the only ones are the
      // first, cold polls of the run, which are much slower than the rest.)
      if (sent !== undefined && event.technique === 'short-poll') quickTrips.push(event.t - sent);
    } else if (event.kind === 'deliver' && !event.details?.duplicate) {
      deliveries += event.messageIds?.length ?? 0;
    }
  }
  const durationMs = Number.isFinite(first) ? Math.max(0, last - first) : 0;
  const seconds = durationMs / 1000;
  const down = serverDown > 0 ? serverDown : clientDown;
  return {
    durationMs,
    publishes,
    publishRate: seconds > 0 ? publishes / seconds : 0,
    roundTripMs: median(quickTrips),
    receiverRequests,
    requestsPerReceiverPerSecond:
      seconds > 0 && listening.size > 0 ? receiverRequests / seconds / listening.size : 0,
    requestsPerDelivery: deliveries > 0 ? receiverRequests / deliveries : null,
    frameHeaderDown: frames.down[1]! > 0 ? frames.down[0]! / frames.down[1]! : null,
    frameHeaderUp: frames.up[1]! > 0 ? frames.up[0]! / frames.up[1]! : null,
    frameHeaderDownExpected: frames.down[1]! > 0 ? frames.down[2]! / frames.down[1]! : null,
    frameHeaderUpExpected: frames.up[1]! > 0 ? frames.up[2]! / frames.up[1]! : null,
    bytesDownPerDelivery: deliveries > 0 ? down / deliveries : null,
  };
}
