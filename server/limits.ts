import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerOptions as HttpServerOptions,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { LabError, labError } from '../src/core';
import { sendError } from './errors';
import type { Lab } from './lab';
import type { LimitOptions } from './options';

/**
 * Connection caps: every request to a channel endpoint (`/api/channels/…`)
 * takes a slot from its arrival until its connection's part in it ends — a
 * short poll or a publish for a few ms, a held poll until it is answered, an
 * SSE stream or a WebSocket until it closes. A client address may hold
 * `perAddress` slots and the server `total`; over either, the request is
 * refused (503, or WebSocket close 1013). The observer stream is not counted.
 */
export class ConnectionLimiter {
  private readonly byAddress = new Map<string, number>();
  private open = 0;

  constructor(
    readonly perAddress: number,
    readonly total: number,
  ) {}

  /** Takes a slot for `address`: the function that gives it back (safe to call twice), or the refusal. */
  admit(address: string): (() => void) | LabError {
    const mine = this.byAddress.get(address) ?? 0;
    if (mine >= this.perAddress) {
      return labError(
        'TOO_MANY_CONNECTIONS',
        `too many connections from ${address}: ${mine} open, at most ${this.perAddress} per address; close some and try again`,
      );
    }
    if (this.open >= this.total) {
      return labError(
        'TOO_MANY_CONNECTIONS',
        `too many connections: the server holds ${this.open}, at most ${this.total} in total; try again later`,
      );
    }
    this.byAddress.set(address, mine + 1);
    this.open += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open -= 1;
      const left = (this.byAddress.get(address) ?? 1) - 1;
      if (left > 0) this.byAddress.set(address, left);
      else this.byAddress.delete(address);
    };
  }

  /** Slots taken by one address, or by all. */
  count(address?: string): number {
    return address === undefined ? this.open : (this.byAddress.get(address) ?? 0);
  }
}

/** Upgrades over the cap: let through to the WebSocket handler, which closes them with 1013. */
const refusedUpgrades = new WeakMap<IncomingMessage, LabError>();

/** The cap refusal an upgrade request carries, if it was over the cap. */
export function upgradeRefusal(raw: IncomingMessage): LabError | undefined {
  return refusedUpgrades.get(raw);
}

/**
 * Admits each channel request against the caps (after the Host check and the
 * restart gate). An HTTP request over the cap gets `503` with the lab's JSON
 * error. A WebSocket upgrade over the cap is accepted and then closed with
 * 1013 (Try Again Later) and a reason, because that is what a page can see: a
 * refused handshake reaches the page's script only as an `error` event and a
 * close with code 1006, with no status and no reason (the WebSocket API hides
 * the HTTP answer; RFC 6455 §4.1 has the client fail the connection), whereas
 * a close frame's code and reason arrive in the `CloseEvent`.
 */
export function installConnectionCaps(app: FastifyInstance, lab: Lab): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/channels/')) return;
    const admitted = lab.connectionLimiter.admit(request.ip ?? 'unknown');
    if (admitted instanceof LabError) {
      if (request.ws) {
        refusedUpgrades.set(request.raw, admitted);
        return;
      }
      await sendError(reply, admitted);
      return reply;
    }
    // An upgrade's socket is its own; an HTTP exchange ends with its response (the socket may live on).
    const socket = request.raw.socket as Duplex | null;
    const ends: { once(event: 'close', cb: () => void): unknown; destroyed: boolean } = request.ws
      ? (socket ?? reply.raw)
      : reply.raw;
    if (ends.destroyed || socket?.destroyed) admitted();
    else ends.once('close', admitted);
  });
}

/** Node's HTTP server settings that carry the limits; the main port and every lane use them. */
export function httpServerOptions(limits: LimitOptions): HttpServerOptions {
  const timeouts = [limits.headersTimeoutMs, limits.requestTimeoutMs].filter((ms) => ms > 0);
  const shortest = timeouts.length > 0 ? Math.min(...timeouts) : 0;
  return {
    maxHeaderSize: limits.maxHeaderSize,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks both timeouts on this interval (30 s unless told): a tenth of the shorter
    // one (50 ms to 1 s) enforces them within 10 %.
    connectionsCheckingInterval:
      shortest > 0 ? Math.min(1_000, Math.max(50, Math.floor(shortest / 10))) : 30_000,
  };
}

/** An HTTP server with the lab's limits (the Fastify instance's, through `serverFactory`, and each lane's). */
export function createLimitedServer(limits: LimitOptions, handler?: RequestListener): Server {
  const server = createServer(httpServerOptions(limits), handler);
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  return server;
}

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
  };
}

/** A WebSocket close reason fits in 123 bytes of UTF-8 (RFC 6455 §5.5: control payloads ≤ 125). */
export function closeReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return reason;
}
