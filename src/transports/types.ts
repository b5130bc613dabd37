import type { Knobs, Technique, TraceEventInput } from '../core';

// The knobs live in src/core (the stores and the features read them too); re-exported for the transports.
export { DEFAULT_KNOBS, type Knobs } from '../core';

/**
 * Named life-cycle states of one client's connection to the server:
 * - `idle`: never started; `closed`: stopped (start() may run it again);
 * - `connecting`: an EventSource or WebSocket is being opened;
 * - `open`: a stream or socket is open, a short poll is in flight, or an HTTP sender that
 *   does not receive is ready to send;
 * - `holding`: a long poll is held by the server;
 * - `waiting`: a short poller waits for its next poll;
 * - `reconnect-wait`: waiting before reconnecting after a failure.
 */
export type TransportState =
  'idle' | 'connecting' | 'open' | 'holding' | 'waiting' | 'reconnect-wait' | 'closed';

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
  /** The page's one clock, ms since the epoch with sub-ms precision. Defaults to traceClock (src/core/clock.ts). */
  now?: () => number;
  /**
   * Resume point: receive only messages with a greater id (`since=` / `lastEventId=`).
   * Undefined: polls start from 0 (everything the channel keeps), SSE and WebSocket from now.
   */
  since?: number;
  /**
   * SSE only: the `event:` types to listen for besides `message` (EventSource only dispatches a
   * named event to listeners registered for that name). More can be added later with
   * `SseTransport.listenFor(type)`. Defaults to DEFAULT_SSE_EVENT_TYPES.
   */
  eventTypes?: readonly string[];
  /**
   * A fixed delay before reconnecting after a failure, in ms, instead of the
   * knobs' exponential backoff (tests use it to keep time short and exact).
   */
  reconnectDelayMs?: number;
  /** Numbers in [0, 1) for the backoff's jitter; default Math.random (tests pass a seeded one). */
  random?: () => number;
  /** WebSocket: how long send() waits for the socket to open and for the `published` ack. Default 10000. */
  ackTimeoutMs?: number;
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
  /** The greatest message id this client has received (its resume point), if any. */
  readonly lastId?: number | undefined;
  /**
   * Applies new knobs. Polls read them on their next request; SSE and WebSocket close and
   * reopen their connection (the knobs travel in the URL). A transport without it is restarted.
   */
  updateKnobs?(knobs: Knobs): void;
}

/** Where trace steps go: the page's trace store, or a test's list. */
export interface TraceSink {
  append(event: TraceEventInput): void;
}

export type TransportFactory = (options: TransportOptions) => Transport;
