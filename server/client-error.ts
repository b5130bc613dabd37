import type { Duplex } from 'node:stream';
import { type LabError, labError } from '../src/core';
import type { Lab } from './lab';
import type { LimitOptions } from './options';
import { writeRawError } from './raw-error';

/** The coded refusal for an error Node's HTTP parser or its timers raised before any route ran. */
export function clientErrorRefusal(
  error: Error & { code?: string },
  limits: LimitOptions,
): LabError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return labError(
        'REQUEST_TIMEOUT',
        `the request did not arrive in time: its head within ${limits.headersTimeoutMs} ms, all of it within ${limits.requestTimeoutMs} ms`,
      );
    case 'HPE_HEADER_OVERFLOW':
      return labError(
        'HEADERS_TOO_LARGE',
        `the request line and headers are larger than the server accepts (${limits.maxHeaderSize} bytes)`,
      );
    default:
      return labError(
        'BAD_HTTP',
        `the bytes sent are not a valid HTTP/1.1 request (${String(error.code ?? error.message).slice(0, 60)})`,
      );
  }
}

/**
 * Answers what Node's HTTP parser refuses before Fastify sees a request — a
 * head over `maxHeaderSize` (431), a head or body that arrives too slowly
 * (408), bytes that are not HTTP (400) — with the lab's JSON error, closes the
 * connection, and traces an `error` step. A connection that never sent a byte
 * (a browser's unused preconnect reaching the headers timeout) is just closed.
 */
export function clientErrorHandler(lab: Lab): (error: Error, socket: Duplex) => void {
  return (error, socket) => {
    const code = (error as { code?: string }).code;
    if (code === 'ECONNRESET' || socket.destroyed) return;
    const bytesRead = (socket as { bytesRead?: number }).bytesRead ?? 0;
    if (bytesRead === 0) {
      socket.destroy();
      return;
    }
    const refusal = clientErrorRefusal(error, lab.options.limits);
    lab.observer.record({ technique: null, conn: lab.nextConnId() }, 'error', 'none', {
      details: { status: refusal.status, error: refusal.message, errorCode: refusal.code },
    });
    writeRawError(socket, refusal);
  };
}
