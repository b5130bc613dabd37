import { isObject } from './is-object';

/**
 * What the browser transports say when something fails: the client error codes,
 * the error that carries them, and reading the server's error bodies.
 */

/** Stable codes for failures the browser sees itself (the server's codes live in src/core/errors). */
export const CLIENT_ERROR_CODES = {
  /** fetch rejected, or a socket/stream failed: no HTTP answer at all. */
  NETWORK: 'RL_ERR_NETWORK',
  /** An answer that is not the JSON the protocol promises. */
  BAD_RESPONSE: 'RL_ERR_BAD_RESPONSE',
  /** A WebSocket publish that got no acknowledgement in time. */
  ACK_TIMEOUT: 'RL_ERR_ACK_TIMEOUT',
  /** The socket closed (or was never open) while a send needed it. */
  NOT_OPEN: 'RL_ERR_NOT_OPEN',
  /** Nothing arrived within the window a live connection would have used: presumed dead (half-open). */
  SILENT: 'RL_ERR_SILENT',
  /** The transport was stopped while the operation was in flight. */
  STOPPED: 'RL_ERR_STOPPED',
} as const;

/** A failure with a stable code the UI can explain, and the HTTP status or close code when there is one. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status?: number,
    readonly closeCode?: number,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** `{ error, code }` from a 4xx/5xx body, or a sentence built from the status when the body says nothing. */
export function parseErrorBody(status: number, text: string): { error: string; code: string } {
  try {
    const value: unknown = JSON.parse(text);
    if (isObject(value) && typeof value.error === 'string') {
      return {
        error: value.error,
        code: typeof value.code === 'string' ? value.code : `HTTP_${status}`,
      };
    }
  } catch {
    // not JSON: fall through
  }
  return {
    error: `HTTP ${status}${text ? `: ${text.slice(0, 120)}` : ''}`,
    code: `HTTP_${status}`,
  };
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isAbortError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'AbortError'
  );
}
