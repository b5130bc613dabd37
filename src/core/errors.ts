import { WS_CLOSE } from './wsframe';

/**
 * Every refusal the lab can give carries a stable machine-readable code, the HTTP
 * status (or WebSocket close code) it travels with, and a sentence that says what
 * was wrong. The UI explains errors by code; tests match on code, never on prose.
 *
 * One table, in the manner of fastify's `createError('FST_ERR_…', message, statusCode)`:
 * each entry ties its code to its HTTP status (when it answers a request), its
 * WebSocket close code (when it ends a socket) and its default sentence, and says
 * who raises it — the server, or the browser about what it saw itself (no status).
 */
interface ErrorSpec {
  readonly code: `RL_ERR_${string}`;
  readonly raisedBy: 'server' | 'browser';
  readonly status?: number;
  readonly closeCode?: number;
  readonly sentence: string;
}

export const ERROR_TABLE = {
  BAD_CHANNEL: {
    code: 'RL_ERR_BAD_CHANNEL',
    raisedBy: 'server',
    status: 400,
    sentence: 'the channel name is not valid: use 1 to 64 of a-z, 0-9 and "-"',
  },
  BAD_SINCE: {
    code: 'RL_ERR_BAD_SINCE',
    raisedBy: 'server',
    status: 400,
    sentence: 'since must be a message id (a whole number ≥ 0)',
  },
  BAD_TIMEOUT: {
    code: 'RL_ERR_BAD_TIMEOUT',
    raisedBy: 'server',
    status: 400,
    sentence: 'a duration (timeout, retry or heartbeat) is out of its range',
  },
  BAD_BODY: {
    code: 'RL_ERR_BAD_BODY',
    raisedBy: 'server',
    status: 400,
    sentence: 'the request is not valid',
  },
  BODY_TOO_LARGE: {
    code: 'RL_ERR_BODY_TOO_LARGE',
    raisedBy: 'server',
    status: 413,
    sentence: 'body is larger than the server accepts (16 KiB)',
  },
  BAD_LAST_EVENT_ID: {
    code: 'RL_ERR_BAD_LAST_EVENT_ID',
    raisedBy: 'server',
    status: 400,
    sentence: 'Last-Event-ID must be a message id (a whole number ≥ 0)',
  },
  /** Not JSON: a 400 for an HTTP body; on a WebSocket, an error frame giving 1007 (the socket stays open). */
  BAD_JSON: {
    code: 'RL_ERR_BAD_JSON',
    raisedBy: 'server',
    status: 400,
    closeCode: WS_CLOSE.invalidData,
    sentence: 'body is not valid JSON',
  },
  /** A WebSocket op the server does not know (an error frame giving 1008; the socket stays open). */
  UNKNOWN_OP: {
    code: 'RL_ERR_UNKNOWN_OP',
    raisedBy: 'server',
    closeCode: WS_CLOSE.policyViolation,
    sentence: 'unknown op',
  },
  /** A WebSocket op with fields of the wrong kind, or a binary frame (an error frame giving 1008). */
  BAD_OP: {
    code: 'RL_ERR_BAD_OP',
    raisedBy: 'server',
    closeCode: WS_CLOSE.policyViolation,
    sentence: 'the frame is not a valid op',
  },
  NOT_FOUND: {
    code: 'RL_ERR_NOT_FOUND',
    raisedBy: 'server',
    status: 404,
    sentence: 'no such route: see the API table in README.md',
  },
  /**
   * A path the router cannot decode (bad percent-encoding). It keeps the code of the
   * 404 it has always gone out with (clients and tests match on it), with its own status.
   */
  BAD_URL: {
    code: 'RL_ERR_NOT_FOUND',
    raisedBy: 'server',
    status: 400,
    sentence: 'the URL is not valid (bad percent-encoding)',
  },
  /**
   * A path with dot segments or empty segments (`/../lobby`, `/a//b`) that the static
   * files refuse (403, the status it has always gone out with) rather than normalise.
   */
  BAD_PATH: {
    code: 'RL_ERR_BAD_PATH',
    raisedBy: 'server',
    status: 403,
    sentence: 'the path is not canonical: no "." or ".." segments and no empty ones ("//")',
  },
  METHOD_NOT_ALLOWED: {
    code: 'RL_ERR_METHOD_NOT_ALLOWED',
    raisedBy: 'server',
    status: 405,
    sentence: 'this route does not take that method',
  },
  BAD_ORIGIN: {
    code: 'RL_ERR_BAD_ORIGIN',
    raisedBy: 'server',
    status: 403,
    sentence: "only the app's own pages may do that",
  },
  BAD_HOST: {
    code: 'RL_ERR_BAD_HOST',
    raisedBy: 'server',
    status: 403,
    sentence: 'the Host is not a loopback name or a configured host',
  },
  /** No Host header, or more than one (400, RFC 9112 §3.2): which host is meant cannot be told. */
  BAD_HOST_HEADER: {
    code: 'RL_ERR_BAD_HOST_HEADER',
    raisedBy: 'server',
    status: 400,
    sentence: 'an HTTP/1.1 request needs exactly one Host header',
  },
  BAD_FAULT: {
    code: 'RL_ERR_BAD_FAULT',
    raisedBy: 'server',
    status: 400,
    sentence: 'the fault settings are not valid',
  },
  /** A plain request to a WebSocket endpoint (426 Upgrade Required). */
  NOT_WEBSOCKET: {
    code: 'RL_ERR_NOT_WEBSOCKET',
    raisedBy: 'server',
    status: 426,
    sentence: 'this endpoint is a WebSocket: send an Upgrade: websocket request',
  },
  /** An upgrade refused by the fault "blockWebSockets" (403, as a proxy that strips Upgrade would). */
  WEBSOCKETS_BLOCKED: {
    code: 'RL_ERR_WEBSOCKETS_BLOCKED',
    raisedBy: 'server',
    status: 403,
    sentence: 'WebSocket upgrades are blocked (fault "blockWebSockets")',
  },
  /** The server is down for a while (a restart fault, shutting down): try again later. */
  UNAVAILABLE: {
    code: 'RL_ERR_UNAVAILABLE',
    raisedBy: 'server',
    status: 503,
    sentence: 'the server is restarting',
  },
  /** Offline mode: a route the simulation in the page does not play (it needs a real server). */
  NEEDS_LAB_SERVER: {
    code: 'RL_ERR_NEEDS_LAB_SERVER',
    raisedBy: 'server',
    status: 501,
    sentence: 'this needs the lab server: the offline simulation does not run it',
  },
  /**
   * A second reconnection storm while one runs. It keeps the code it has always gone
   * out with (clients and tests match on it), with its own status.
   */
  STORM_RUNNING: {
    code: 'RL_ERR_UNAVAILABLE',
    raisedBy: 'server',
    status: 409,
    sentence: 'a reconnection storm is already running: wait for its answer, then try again',
  },
  /** The Scaling lab's balancer has no gateway up to route the request to (503). */
  NO_GATEWAY: {
    code: 'RL_ERR_NO_GATEWAY',
    raisedBy: 'server',
    status: 503,
    sentence: 'no gateway is up behind the balancer: restart one, or add one',
  },
  /** The gateway the balancer chose refused the connection, or died before it answered (502). */
  BAD_GATEWAY: {
    code: 'RL_ERR_BAD_GATEWAY',
    raisedBy: 'server',
    status: 502,
    sentence: 'the gateway the balancer chose refused the connection or failed before it answered',
  },
  /**
   * The broker between servers (memory paused, or Redis unreachable) refused a publish or a
   * history read: messages reach only the gateway that took them until it is back.
   */
  BROKER_DOWN: {
    code: 'RL_ERR_BROKER_DOWN',
    raisedBy: 'server',
    status: 503,
    sentence: 'the broker between servers is down: try again when it is back',
  },
  /** `POST /api/scale` while a topology runs (409): one topology per lab. */
  SCALE_RUNNING: {
    code: 'RL_ERR_SCALE_RUNNING',
    raisedBy: 'server',
    status: 409,
    sentence: 'a topology is already running: DELETE /api/scale first, then start another',
  },
  /** A `/api/scale` route other than `POST /api/scale` while no topology runs (404). */
  NO_TOPOLOGY: {
    code: 'RL_ERR_NO_TOPOLOGY',
    raisedBy: 'server',
    status: 404,
    sentence: 'no topology is running: start one with POST /api/scale',
  },
  /** A gateway name the running topology does not have (404). */
  NO_SUCH_GATEWAY: {
    code: 'RL_ERR_NO_SUCH_GATEWAY',
    raisedBy: 'server',
    status: 404,
    sentence: 'the topology has no gateway of that name',
  },
  /**
   * A gateway change the topology cannot make now (409): a sixth gateway, removing
   * the last one, killing one that is down, restarting one that is up.
   */
  GATEWAY_CONFLICT: {
    code: 'RL_ERR_GATEWAY_CONFLICT',
    raisedBy: 'server',
    status: 409,
    sentence: 'the topology cannot make that change now',
  },
  /** `broker: "redis"` with no `LAB_REDIS_URL` and no `redis-server` binary on the PATH (503). */
  NO_REDIS: {
    code: 'RL_ERR_NO_REDIS',
    raisedBy: 'server',
    status: 503,
    sentence:
      'no Redis to use: set LAB_REDIS_URL=redis://…, or install redis-server ' +
      '(apt-get install -y redis-server) so the lab can start one itself',
  },
  /** The server failed while answering (a bug, logged): never a refusal of the request. */
  INTERNAL: {
    code: 'RL_ERR_INTERNAL',
    raisedBy: 'server',
    status: 500,
    sentence: 'the server failed while answering; see its log',
  },
  BAD_LABEL: {
    code: 'RL_ERR_BAD_LABEL',
    raisedBy: 'server',
    status: 400,
    sentence: 'a wire label (client, rid) is not valid',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    code: 'RL_ERR_UNSUPPORTED_MEDIA_TYPE',
    raisedBy: 'server',
    status: 415,
    sentence: 'content type must be application/json',
  },
  SCHEDULE_BUSY: {
    code: 'RL_ERR_SCHEDULE_BUSY',
    raisedBy: 'server',
    status: 409,
    sentence: 'a schedule is already playing on this channel',
  },
  /** `GET /api/load/results` before any `npm run bench:load` wrote one (404). */
  NO_LOAD_RESULTS: {
    code: 'RL_ERR_NO_LOAD_RESULTS',
    raisedBy: 'server',
    status: 404,
    sentence: 'no load results yet: run npm run bench:load on this machine first',
  },
  /** `POST /api/load/run` while a live load run is running (409): one at a time per lab. */
  LOAD_RUNNING: {
    code: 'RL_ERR_LOAD_RUNNING',
    raisedBy: 'server',
    status: 409,
    sentence:
      'a live load measurement is already running: wait for it to end (at most 20 s), then try again',
  },
  NO_SCHEDULE: {
    code: 'RL_ERR_NO_SCHEDULE',
    raisedBy: 'server',
    status: 404,
    sentence: 'no schedule has played on this channel: POST one first',
  },
  /** A renewal for a schedule that no longer plays (finished, stopped, lease lapsed, owner gone, replaced). */
  SCHEDULE_ENDED: {
    code: 'RL_ERR_SCHEDULE_ENDED',
    raisedBy: 'server',
    status: 410,
    sentence: 'the schedule no longer plays: POST a new schedule',
  },
  /** Over the connection cap, per client address or in total (503, or WebSocket close 1013). */
  TOO_MANY_CONNECTIONS: {
    code: 'RL_ERR_TOO_MANY_CONNECTIONS',
    raisedBy: 'server',
    status: 503,
    closeCode: WS_CLOSE.tryAgainLater,
    sentence: 'too many connections: try again later',
  },
  /** A new channel past the cap on channels held (503, or WebSocket close 1013). */
  TOO_MANY_CHANNELS: {
    code: 'RL_ERR_TOO_MANY_CHANNELS',
    raisedBy: 'server',
    status: 503,
    closeCode: WS_CLOSE.tryAgainLater,
    sentence:
      'too many channels: use an existing channel, or try again once idle ones are forgotten',
  },
  /** Over the publish rate limit (429 with Retry-After, or WebSocket close 1008). */
  RATE_LIMITED: {
    code: 'RL_ERR_RATE_LIMITED',
    raisedBy: 'server',
    status: 429,
    closeCode: WS_CLOSE.policyViolation,
    sentence: 'publishing too fast: try again later',
  },
  /** The request head or body did not arrive in time (408). */
  REQUEST_TIMEOUT: {
    code: 'RL_ERR_REQUEST_TIMEOUT',
    raisedBy: 'server',
    status: 408,
    sentence: 'the request did not arrive in time',
  },
  /** The request head is larger than the server accepts (431). */
  HEADERS_TOO_LARGE: {
    code: 'RL_ERR_HEADERS_TOO_LARGE',
    raisedBy: 'server',
    status: 431,
    sentence: 'the request line and headers are larger than the server accepts',
  },
  /** Bytes that are not an HTTP/1.1 request (400, from the parser, before any route). */
  BAD_HTTP: {
    code: 'RL_ERR_BAD_HTTP',
    raisedBy: 'server',
    status: 400,
    sentence: 'the bytes sent are not a valid HTTP/1.1 request',
  },
  /** A socket that answered no ping: terminated without a close frame (the trace's step; the client sees 1006). */
  MISSED_PONG: {
    code: 'RL_ERR_MISSED_PONG',
    raisedBy: 'server',
    sentence: 'no pong since the previous ping: terminated',
  },
  /**
   * A connection that does not read what is sent to it: more than `maxQueuedBytes` (1 MiB by
   * default) waits to be written. A WebSocket is closed with 1013 (terminated when the close
   * cannot go out in time); an SSE stream is ended. The client resumes from its last id.
   */
  SLOW_CONSUMER: {
    code: 'RL_ERR_SLOW_CONSUMER',
    raisedBy: 'server',
    closeCode: WS_CLOSE.tryAgainLater,
    sentence: 'the connection does not read what is sent to it: closed, resume from the last id',
  },
  /**
   * More than 60 pings awaiting their pongs (ws's `maxPendingAutoPongs`): ws terminates the
   * socket without a close frame (the client sees 1006); the trace's error step says why.
   */
  PING_FLOOD: {
    code: 'RL_ERR_PING_FLOOD',
    raisedBy: 'server',
    sentence: 'more than 60 pings awaiting their pongs: terminated',
  },
  /** fetch rejected, or a socket/stream failed: no HTTP answer at all. */
  NETWORK: {
    code: 'RL_ERR_NETWORK',
    raisedBy: 'browser',
    sentence: 'the network failed: no answer at all',
  },
  /** An answer that is not the JSON the protocol promises. */
  BAD_RESPONSE: {
    code: 'RL_ERR_BAD_RESPONSE',
    raisedBy: 'browser',
    sentence: 'the answer is not what the protocol promises',
  },
  /** A WebSocket publish that got no acknowledgement in time. */
  ACK_TIMEOUT: {
    code: 'RL_ERR_ACK_TIMEOUT',
    raisedBy: 'browser',
    sentence: 'no acknowledgement in time',
  },
  /** The socket closed (or was never open) while a send needed it. */
  NOT_OPEN: {
    code: 'RL_ERR_NOT_OPEN',
    raisedBy: 'browser',
    sentence: 'the socket is not open',
  },
  /** Nothing arrived within the window a live connection would have used: presumed dead (half-open). */
  SILENT: {
    code: 'RL_ERR_SILENT',
    raisedBy: 'browser',
    sentence: 'nothing arrived in time: presumed dead',
  },
  /** The transport was stopped while the operation was in flight. */
  STOPPED: {
    code: 'RL_ERR_STOPPED',
    raisedBy: 'browser',
    sentence: 'the transport was stopped',
  },
  /** A WebSocket error frame that carried no code. */
  UNKNOWN: {
    code: 'RL_ERR_UNKNOWN',
    raisedBy: 'browser',
    sentence: 'refused',
  },
} as const satisfies Record<string, ErrorSpec>;

/** The name of a table entry (`BAD_SINCE`), as `ERROR_CODES` and `labError` take it. */
export type ErrorName = keyof typeof ERROR_TABLE;
type Entry = (typeof ERROR_TABLE)[ErrorName];

/** An answer with no lab code, named by its HTTP status alone (`HTTP_503`). */
export type StatusOnlyCode = `HTTP_${number}`;

export function statusOnlyCode(status: number): StatusOnlyCode {
  return `HTTP_${status}`;
}

/** Every code the lab's server or browser may give, on the wire or in a trace. */
export type ErrorCode = Entry['code'] | StatusOnlyCode;

/** Name → code string, for the places (and tests) that spell a code by its name. */
export const ERROR_CODES = Object.fromEntries(
  Object.entries(ERROR_TABLE).map(([name, entry]) => [name, entry.code]),
) as { readonly [N in ErrorName]: (typeof ERROR_TABLE)[N]['code'] };

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ERROR_CODES));

/** Whether a string from the wire is one of the lab's codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (KNOWN_CODES.has(value) || /^HTTP_\d+$/.test(value));
}

/** The JSON body of every 4xx answer: `{ "error": "…", "code": "RL_ERR_…" }`. */
export interface ErrorBody {
  error: string;
  code: ErrorCode;
}

export class LabError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode,
    /** HTTP status for HTTP routes. */
    readonly status: number,
    /** WebSocket close code when the error ends a socket (RFC 6455 §7.4.1). */
    readonly closeCode?: number,
  ) {
    super(message);
    this.name = 'LabError';
  }

  toBody(): ErrorBody {
    return { error: this.message, code: this.code };
  }
}

/** The entries that answer a request, so have an HTTP status. */
export type HttpErrorName = {
  [N in ErrorName]: (typeof ERROR_TABLE)[N] extends { status: number } ? N : never;
}[ErrorName];

/**
 * The one way to build a refusal: its code, status and close code come from the
 * table; the sentence, when given, says what exactly was wrong.
 */
export function labError(name: HttpErrorName, sentence?: string): LabError {
  const entry = ERROR_TABLE[name];
  const closeCode = 'closeCode' in entry ? entry.closeCode : undefined;
  return new LabError(sentence ?? entry.sentence, entry.code, entry.status, closeCode);
}

/** A 4xx that the framework raised for a reason the lab has no code for: `HTTP_<status>`. */
export function statusOnlyError(status: number, sentence: string): LabError {
  return new LabError(sentence, statusOnlyCode(status), status);
}

/**
 * The close code `ws` fails a socket with for each protocol error it raises, by the
 * error's public `code` (node_modules/ws/lib/receiver.js, permessage-deflate.js).
 */
export const WS_LIBRARY_CLOSE_CODES = {
  WS_ERR_EXPECTED_FIN: WS_CLOSE.protocolError,
  WS_ERR_EXPECTED_MASK: WS_CLOSE.protocolError,
  WS_ERR_INVALID_CLOSE_CODE: WS_CLOSE.protocolError,
  WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH: WS_CLOSE.protocolError,
  WS_ERR_INVALID_OPCODE: WS_CLOSE.protocolError,
  WS_ERR_INVALID_UTF8: WS_CLOSE.invalidData,
  WS_ERR_TOO_MANY_BUFFERED_PARTS: WS_CLOSE.policyViolation,
  WS_ERR_UNEXPECTED_MASK: WS_CLOSE.protocolError,
  WS_ERR_UNEXPECTED_RSV_1: WS_CLOSE.protocolError,
  WS_ERR_UNEXPECTED_RSV_2_3: WS_CLOSE.protocolError,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: WS_CLOSE.messageTooBig,
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: WS_CLOSE.messageTooBig,
} as const satisfies Record<`WS_ERR_${string}`, number>;

/** What the trace calls a `ws` error that carries no code of its own. */
export const WS_LIBRARY_UNKNOWN_CODE = 'WS_ERR';

/** The close code for one of `ws`'s error codes, or undefined for a code it does not close with. */
export function wsLibraryCloseCode(code: unknown): number | undefined {
  if (typeof code !== 'string' || !Object.hasOwn(WS_LIBRARY_CLOSE_CODES, code)) return undefined;
  return WS_LIBRARY_CLOSE_CODES[code as keyof typeof WS_LIBRARY_CLOSE_CODES];
}
