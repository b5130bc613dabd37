/**
 * Every refusal the lab can give carries a stable machine-readable code, the HTTP
 * status (or WebSocket close code) it travels with, and a sentence that says what
 * was wrong. The UI explains errors by code; tests match on code, never on prose.
 */
export const ERROR_CODES = {
  BAD_CHANNEL: 'RL_ERR_BAD_CHANNEL',
  BAD_SINCE: 'RL_ERR_BAD_SINCE',
  BAD_TIMEOUT: 'RL_ERR_BAD_TIMEOUT',
  BAD_BODY: 'RL_ERR_BAD_BODY',
  BODY_TOO_LARGE: 'RL_ERR_BODY_TOO_LARGE',
  BAD_LAST_EVENT_ID: 'RL_ERR_BAD_LAST_EVENT_ID',
  BAD_JSON: 'RL_ERR_BAD_JSON',
  UNKNOWN_OP: 'RL_ERR_UNKNOWN_OP',
  BAD_OP: 'RL_ERR_BAD_OP',
  NOT_FOUND: 'RL_ERR_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'RL_ERR_METHOD_NOT_ALLOWED',
  BAD_ORIGIN: 'RL_ERR_BAD_ORIGIN',
  BAD_HOST: 'RL_ERR_BAD_HOST',
  BAD_FAULT: 'RL_ERR_BAD_FAULT',
  NOT_WEBSOCKET: 'RL_ERR_NOT_WEBSOCKET',
  UNAVAILABLE: 'RL_ERR_UNAVAILABLE',
  BAD_LABEL: 'RL_ERR_BAD_LABEL',
  UNSUPPORTED_MEDIA_TYPE: 'RL_ERR_UNSUPPORTED_MEDIA_TYPE',
  SCHEDULE_BUSY: 'RL_ERR_SCHEDULE_BUSY',
  NO_SCHEDULE: 'RL_ERR_NO_SCHEDULE',
  /** A renewal for a schedule that no longer plays (finished, stopped, lease lapsed, owner gone, replaced). */
  SCHEDULE_ENDED: 'RL_ERR_SCHEDULE_ENDED',
  /** Over the connection cap, per client address or in total (503, or WebSocket close 1013). */
  TOO_MANY_CONNECTIONS: 'RL_ERR_TOO_MANY_CONNECTIONS',
  /** Over the publish rate limit (429 with Retry-After, or WebSocket close 1008). */
  RATE_LIMITED: 'RL_ERR_RATE_LIMITED',
  /** The request head or body did not arrive in time (408). */
  REQUEST_TIMEOUT: 'RL_ERR_REQUEST_TIMEOUT',
  /** The request head is larger than the server accepts (431). */
  HEADERS_TOO_LARGE: 'RL_ERR_HEADERS_TOO_LARGE',
  /** Bytes that are not an HTTP/1.1 request (400, from the parser, before any route). */
  BAD_HTTP: 'RL_ERR_BAD_HTTP',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

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
