import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { labError } from '../src/core';
import { sendError } from './errors';
import { isAllowedHost, isAllowedOrigin } from './host-check';

/**
 * Lanes: extra ports of the same server. A browser opens at most six HTTP/1.1
 * connections per host and port, so compare mode gives each HTTP technique a
 * port of its own (and the connection-budget lesson one more) and never
 * queues behind its own long polls and streams. Every lane serves the routes
 * of the main port; requests from the app's page reach it cross-origin, so
 * lanes answer with CORS headers for the app's own origins. Lanes are for the
 * HTTP techniques: a WebSocket upgrade through a lane from the main page is
 * refused by the Origin check (WebSockets do not need a lane).
 */
export const LANE_NAMES = ['short-poll', 'long-poll', 'sse', 'lesson'] as const;
export type LaneName = (typeof LANE_NAMES)[number];

export interface Lane {
  name: LaneName;
  port: number;
}

const LanesResponse = Type.Object({
  lanes: Type.Array(Type.Object({ name: Type.String(), port: Type.Integer() })),
});

const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'GET, POST, DELETE',
  'access-control-allow-headers': 'content-type, last-event-id',
  'access-control-max-age': '600',
};

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** Opens and closes the lanes alongside the main port, and answers `GET /api/lanes`. */
export class Lanes {
  private servers = new Map<LaneName, Server>();
  private mainPort: number | null = null;

  constructor(
    private readonly allowedHosts: readonly string[],
    private readonly allowedOrigins: readonly string[],
    /** Makes a lane's HTTP server: the main port's limits (header size, timeouts) and client-error answers. */
    private readonly createServer: () => Server,
  ) {}

  list(): Lane[] {
    return [...this.servers].map(([name, server]) => ({ name, port: portOf(server) }));
  }

  /** Ports that serve the app: the main one and every lane. */
  private ports(): Set<number> {
    const ports = new Set(this.list().map((lane) => lane.port));
    if (this.mainPort !== null) ports.add(this.mainPort);
    return ports;
  }

  /**
   * Whether a page at `origin` is this app (so it may read lane answers): an
   * http origin on a loopback or configured host at one of the app's ports,
   * or a trusted origin (configured; the dev server's only under `npm run dev`).
   */
  isAppOrigin(origin: string): boolean {
    const o = origin.trim().toLowerCase();
    if (this.allowedOrigins.some((a) => a.trim().toLowerCase() === o)) return true;
    let url: URL;
    try {
      url = new URL(o);
    } catch {
      return false;
    }
    if (url.protocol !== 'http:' || !isAllowedHost(url.host, this.allowedHosts)) return false;
    return this.ports().has(Number(url.port || 80));
  }

  /**
   * Whether a page at `origin` may change the server's state (host-check.ts,
   * installOriginCheck): the origin of the port it asks (`http://<Host>`), a
   * trusted one, or the app on any of its ports.
   */
  isTrustedOrigin(origin: string, host: string | undefined): boolean {
    return isAllowedOrigin(origin, host, this.allowedOrigins) || this.isAppOrigin(origin);
  }

  async open(app: FastifyInstance): Promise<void> {
    const address = app.server.address();
    if (typeof address !== 'object' || address === null) return;
    this.mainPort = address.port;
    for (const name of LANE_NAMES) {
      const server = this.createServer();
      // The same Fastify instance answers: routes, hooks, tracing and faults are shared.
      server.on('request', (request, response) => app.server.emit('request', request, response));
      server.on('upgrade', (request, socket, head) =>
        app.server.emit('upgrade', request, socket, head),
      );
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, address.address, () => resolve());
      });
      this.servers.set(name, server);
    }
  }

  async close(): Promise<void> {
    const closing = [...this.servers.values()].map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    this.servers.clear();
    await Promise.all(closing);
  }
}

/**
 * Opens the lanes when the app listens and closes them with it; adds CORS
 * headers for the app's own origins (set on the raw response, so that streams
 * written by hand carry them too) and answers preflights.
 */
export function installLanes(app: FastifyInstance, lanes: Lanes): void {
  app.addHook('onListen', async () => lanes.open(app));
  app.addHook('onClose', async () => lanes.close());

  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (
      origin !== undefined &&
      origin !== `http://${request.headers.host ?? ''}` &&
      lanes.isAppOrigin(origin)
    ) {
      reply.raw.setHeader('access-control-allow-origin', origin);
      reply.raw.setHeader('vary', 'Origin');
      // Lets the page's Resource Timing see the sizes of cross-origin answers.
      reply.raw.setHeader('timing-allow-origin', origin);
    }
    done();
  });

  app.options('/api/*', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin === undefined || !lanes.isAppOrigin(origin)) {
      return sendError(
        reply,
        labError(
          'BAD_ORIGIN',
          `preflight from ${JSON.stringify((origin ?? '(no Origin)').slice(0, 80))} refused: only the app's own pages may call the API cross-origin`,
        ),
      );
    }
    for (const [name, value] of Object.entries(PREFLIGHT_HEADERS)) reply.header(name, value);
    return reply.code(204).send();
  });

  app.get('/api/lanes', { schema: { response: { 200: LanesResponse } } }, async () => ({
    lanes: lanes.list(),
  }));
}
