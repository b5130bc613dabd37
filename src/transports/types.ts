import type { Technique, TraceEventInput } from '../core';

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
}

export const DEFAULT_KNOBS: Knobs = {
  pollIntervalMs: 2000,
  longPollTimeoutMs: 30_000,
  sseRetryMs: 3000,
  sseHeartbeatMs: 15_000,
  wsHeartbeatMs: 30_000,
};

/** Named life-cycle states of one client's connection to the server. */
export type TransportState = 'idle' | 'connecting' | 'open' | 'holding' | 'waiting' | 'reconnect-wait' | 'closed';

export interface TransportOptions {
  /** The participant this client acts for: `alice`, `bob`, … (used as `client=` on the wire). */
  actor: string;
  channel: string;
  /** Base URL of the API, '' for the page's own origin. */
  baseUrl: string;
  knobs: Knobs;
  /** Receive messages (receivers) or only send (a sender that does not listen). */
  receive: boolean;
  /** Appends one step to the trace; the store numbers it. */
  emit: (event: TraceEventInput) => void;
  /** Called once per message received for the first time (after de-duplication by id). */
  onMessage?: (message: import('../core').Message) => void;
  /** Called when the life-cycle state changes. */
  onState?: (state: TransportState) => void;
  /** The page's one clock, ms since the epoch with sub-ms precision. Defaults to performance.timeOrigin + performance.now(). */
  now?: () => number;
}

/** One technique's browser client, for one participant. */
export interface Transport {
  readonly technique: Technique;
  readonly state: TransportState;
  /** Opens connections / starts polling. Idempotent. */
  start(): void;
  /** Closes everything it opened and cancels every timer; emits the close steps. Idempotent. */
  stop(): void;
  /** Publishes a message from this participant; resolves with its id once the server accepted it. */
  send(text: string, type?: string): Promise<number>;
}

export type TransportFactory = (options: TransportOptions) => Transport;
