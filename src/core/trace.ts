import { redactTraceEvent } from './redact';
import type { RunSetup } from './segments';
import type { Technique } from './technique';

/** Who saw a step: the browser, the lab's server (or a Scaling lab gateway or balancer), or the broker between servers. */
export type SeenBy = 'client' | 'server' | 'broker';

export const TRACE_KINDS = [
  'request',
  'response',
  'hold',
  'release',
  'timeout',
  'sse-open',
  'sse-event',
  'ws-open',
  'ws-frame',
  'ping',
  'pong',
  'close',
  'error',
  'reconnect-wait',
  'reconnect',
  'publish',
  'deliver',
  'fault',
  'fallback',
  // Where a run begins (a Start, a technique switch, a compare run): its details carry the set-up.
  'segment',
  // The Scaling lab's balancer chose a gateway for a request or an upgrade (or none could take it).
  'route',
] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];

/** `up` is client → server, `down` is server → client, `none` for local steps. */
export type Direction = 'up' | 'down' | 'none';

/** Bytes on the wire, header (HTTP head, WebSocket frame header, chunk framing) and payload apart. */
export interface ByteCount {
  header: number;
  payload: number;
}

export interface TraceDetails {
  method?: string;
  url?: string;
  status?: number;
  statusText?: string;
  requestHeaders?: Record<string, string>;
  responseHeaders?: Record<string, string>;
  /** The body as text (request or response, SSE event lines, frame payload), when small enough to keep. */
  body?: string;
  /** WebSocket opcode (RFC 6455 §5.2): 1 text, 2 binary, 8 close, 9 ping, 10 pong. */
  opcode?: number;
  /** Whether the frame was masked (client → server frames always are). */
  masked?: boolean;
  closeCode?: number;
  closeReason?: string;
  /** Whether a close was clean (a close frame both ways) or the socket just died. */
  wasClean?: boolean;
  error?: string;
  errorCode?: string;
  /** How long a wait lasts (reconnect-wait) or a request was held (release/timeout), in ms. */
  delayMs?: number;
  /** For a long poll: the timeout the client asked for, in ms. */
  timeoutMs?: number;
  /** SSE: the `retry:` value, the event id and type. */
  retryMs?: number;
  lastEventId?: string;
  eventType?: string;
  /** On a deliver: when the sender pressed Send (its clock), and whether this copy was already seen. */
  sentAt?: number;
  duplicate?: boolean;
  /** On a deliver: the size of the message itself as JSON, in bytes (what is not overhead). */
  messageBytes?: number;
  /** Who sent the message carried (on publish/deliver). */
  from?: string;
  /** Whatever else is worth showing in the inspector. */
  note?: string;
  /** The fault's name on a fault band. */
  fault?: string;
  /** On a `route` step: the balancer's policy, the key it routed by (the user), and the gateway chosen. */
  policy?: string;
  routeKey?: string;
  gateway?: string;
  /** Carried by a WebSocket client's long-polling fallback while WebSockets fail. */
  fallback?: boolean;
  /** A fault that lasts until it is lifted: its `start` and its `end` (an instant fault has neither). */
  faultPhase?: 'start' | 'end';
  /** For a server-observed step: its time on the server's own clock (`t` is on the page's). */
  serverT?: number;
  /** A server step the offline simulation made in the page (src/mocks): no network carried it. */
  simulated?: boolean;
  /**
   * On a `segment` step: the set-up of the run that begins there (technique,
   * participants, knobs, preset, the server's own messages, and why it began).
   * Counters and theory read the steps from the last segment on.
   */
  setup?: RunSetup;
}

/** One observable step of the lab's traffic. */
export interface TraceEvent {
  /** Position in the trace, from 0, strictly increasing. */
  seq: number;
  /** High-resolution time in ms since the epoch (performance.timeOrigin + performance.now()). */
  t: number;
  observer: SeenBy;
  /** Who acted: the participant (`alice`, `bob`) or the server (`server-1`). */
  actor: string;
  /** For a server-observed step, the participant on the other end of the connection. */
  peer?: string;
  technique: Technique | null;
  /** The connection or request this step belongs to; spans are derived per conn. */
  conn: string;
  kind: TraceKind;
  dir: Direction;
  bytes?: ByteCount;
  /** Ids of the messages this step carries. */
  messageIds?: number[];
  /** True for a response that carried no message: a wasted round trip. */
  empty?: boolean;
  details?: TraceDetails;
}

/** A trace event before the store numbers it. */
export type TraceEventInput = Omit<TraceEvent, 'seq'>;

export const TRACE_FORMAT = 'realtime-lab-trace';
export const TRACE_VERSION = 1;

export interface TraceFile {
  format: typeof TRACE_FORMAT;
  version: typeof TRACE_VERSION;
  /** When the recording was exported (ISO 8601). */
  exportedAt: string;
  /** Whether the traffic was real (`live`) or simulated in the browser (`offline`). */
  network: 'live' | 'offline';
  /**
   * The page's estimate of the server's clock when the recording was exported
   * (server ≈ page + offsetMs, give or take uncertaintyMs): the latencies of
   * messages the server made rest on it. Absent in older recordings.
   */
  clock?: RecordedClock;
  events: TraceEvent[];
}

/** A clock-offset estimate as a recording keeps it. */
export interface RecordedClock {
  offsetMs: number;
  uncertaintyMs: number;
}

export function exportTrace(
  events: readonly TraceEvent[],
  network: TraceFile['network'],
  now: Date,
  clock?: RecordedClock | null,
): TraceFile {
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    exportedAt: now.toISOString(),
    network,
    ...(clock ? { clock: { offsetMs: clock.offsetMs, uncertaintyMs: clock.uncertaintyMs } } : {}),
    // Secret headers leave as their size only, even from a trace recorded before redaction.
    events: events.map(redactTraceEvent),
  };
}

function readClock(value: unknown): RecordedClock | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { offsetMs, uncertaintyMs } = value as Partial<RecordedClock>;
  return typeof offsetMs === 'number' &&
    Number.isFinite(offsetMs) &&
    typeof uncertaintyMs === 'number' &&
    Number.isFinite(uncertaintyMs) &&
    uncertaintyMs >= 0
    ? { offsetMs, uncertaintyMs }
    : undefined;
}

/**
 * Reads a trace file back, checking its shape; a sentence says what is wrong
 * with a file that is not one.
 */
export function parseTraceFile(value: unknown): TraceFile {
  if (typeof value !== 'object' || value === null) throw new Error('a trace file is a JSON object');
  const file = value as Partial<TraceFile>;
  if (file.format !== TRACE_FORMAT)
    throw new Error(`not a Realtime Lab trace: format must be "${TRACE_FORMAT}"`);
  if (file.version !== TRACE_VERSION)
    throw new Error(
      `trace version ${String(file.version)} is not supported (expected ${TRACE_VERSION})`,
    );
  if (!Array.isArray(file.events)) throw new Error('a trace file needs an "events" array');
  let previous = -1;
  file.events.forEach((event: unknown, index) => {
    const e = event as Partial<TraceEvent>;
    if (
      typeof e !== 'object' ||
      e === null ||
      typeof e.seq !== 'number' ||
      typeof e.t !== 'number' ||
      typeof e.kind !== 'string' ||
      !(TRACE_KINDS as readonly string[]).includes(e.kind) ||
      typeof e.actor !== 'string' ||
      typeof e.conn !== 'string'
    ) {
      throw new Error(`event ${index} is not a trace event (needs seq, t, kind, actor, conn)`);
    }
    if (e.seq <= previous)
      throw new Error(`event ${index}: seq must increase (${e.seq} after ${previous})`);
    previous = e.seq;
  });
  const clock = readClock(file.clock);
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    exportedAt: typeof file.exportedAt === 'string' ? file.exportedAt : '',
    network: file.network === 'offline' ? 'offline' : 'live',
    ...(clock ? { clock } : {}),
    // A file from elsewhere (an older lab, a hand-made one) shows no secret either.
    events: file.events.map(redactTraceEvent),
  };
}

/** A server step the offline simulation made (src/mocks/ marks each with `details.simulated`). */
export function isSimulatedStep(event: TraceEvent): boolean {
  return event.observer === 'server' && event.details?.simulated === true;
}
