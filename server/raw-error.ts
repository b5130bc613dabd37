import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { LabError } from '../src/core';

/**
 * Writes `refusal` as the lab's JSON error straight onto a socket no route
 * holds (HTTP/1.1 by hand, `Connection: close`), then closes it; a socket
 * already mid-answer is destroyed instead.
 */
export function writeRawError(socket: Duplex, refusal: LabError): void {
  // Never write into a response already on its way (a keep-alive socket mid-answer).
  const pending = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
  if (socket.writable && !pending?.headersSent) {
    const body = JSON.stringify(refusal.toBody());
    socket.end(
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
    // A peer that does not read the answer (or close its side) is cut after a second.
    setTimeout(() => socket.destroy(), 1_000).unref();
  } else socket.destroy();
}
