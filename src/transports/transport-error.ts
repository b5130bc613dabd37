import { ERROR_CODES, isErrorCode, statusOnlyCode, type ErrorCode } from '../core';
import { isObject } from './is-object';

/**
 * What the browser transports say when something fails: the client error codes,
 * the error that carries them, and reading the server's error bodies.
 */

/** Stable codes for failures the browser sees itself (their entries, raised by the browser, are in src/core/errors). */
export const CLIENT_ERROR_CODES = {
  NETWORK: ERROR_CODES.NETWORK,
  BAD_RESPONSE: ERROR_CODES.BAD_RESPONSE,
  ACK_TIMEOUT: ERROR_CODES.ACK_TIMEOUT,
  NOT_OPEN: ERROR_CODES.NOT_OPEN,
  SILENT: ERROR_CODES.SILENT,
  STOPPED: ERROR_CODES.STOPPED,
} as const;

/** A failure with a stable code the UI can explain, and the HTTP status or close code when there is one. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode,
    readonly status?: number,
    readonly closeCode?: number,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** `{ error, code }` from a 4xx/5xx body, or a sentence built from the status when the body says nothing. */
export function parseErrorBody(status: number, text: string): { error: string; code: ErrorCode } {
  try {
    const value: unknown = JSON.parse(text);
    if (isObject(value) && typeof value.error === 'string') {
      return {
        error: value.error,
        code: isErrorCode(value.code) ? value.code : statusOnlyCode(status),
      };
    }
  } catch {
    // not JSON: fall through
  }
  return {
    error: `HTTP ${status}${text ? `: ${text.slice(0, 120)}` : ''}`,
    code: statusOnlyCode(status),
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
