import {
  createServer,
  type RequestListener,
  type Server,
  type ServerOptions as HttpServerOptions,
} from 'node:http';
import type { LimitOptions } from './options';

/** Node's HTTP server settings that carry the limits; the main port and every lane use them. */
export function httpServerOptions(limits: LimitOptions): HttpServerOptions {
  const timeouts = [limits.headersTimeoutMs, limits.requestTimeoutMs].filter((ms) => ms > 0);
  const shortest = timeouts.length > 0 ? Math.min(...timeouts) : 0;
  return {
    // A request with no Host gets the lab's JSON 400 from the host check (host-check.ts), not Node's bare one.
    requireHostHeader: false,
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
