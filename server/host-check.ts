import type { FastifyInstance, FastifyRequest } from 'fastify';
import { labError, type LabError } from '../src/core';
import { sendError } from './errors';

export { DEV_ORIGINS } from './options';

/** The host name of a Host header value, without its port, lower-cased ("[::1]:80" → "[::1]"). */
export function hostName(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end === -1 ? value : value.slice(0, end + 1);
  }
  const colon = value.lastIndexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}

export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name === '[::1]') return true;
  const match = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
  return match !== null && match.slice(1).every((part) => Number(part) <= 255);
}

/**
 * Whether a Host header names this server: a loopback name (any port) or a
 * configured host name. Anything else may be a DNS-rebinding page talking to
 * the loopback server through a name it controls.
 */
export function isAllowedHost(host: string | undefined, allowedHosts: readonly string[]): boolean {
  if (!host) return false;
  const name = hostName(host);
  if (isLoopbackName(name)) return true;
  return allowedHosts.some((allowed) => {
    const a = allowed.trim().toLowerCase();
    return a === host.trim().toLowerCase() || a === name;
  });
}

/**
 * Whether a WebSocket upgrade's Origin may connect: no Origin (not a browser),
 * the app's own origin (`http://<Host>`), or a trusted one: `allowedOrigins` as
 * resolved in options.ts (the configured ones, and the dev server's only under
 * `npm run dev`).
 */
export function isAllowedOrigin(
  origin: string | undefined,
  host: string | undefined,
  allowedOrigins: readonly string[],
): boolean {
  if (origin === undefined) return true;
  const o = origin.trim().toLowerCase();
  if (host && o === `http://${host.trim().toLowerCase()}`) return true;
  return allowedOrigins.some((allowed) => allowed.trim().toLowerCase() === o);
}

/** How many Host lines the request head carried (Node keeps the first and drops the others). */
export function hostLineCount(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') count += 1;
  }
  return count;
}

/**
 * Refuses every request (HTTP or upgrade) whose Host is not exactly one of this
 * server's: no Host or more than one Host line is 400 RL_ERR_BAD_HOST_HEADER
 * (RFC 9112 §3.2: a server must answer 400 to either; Node would keep the first
 * of two, or answer no Host with a bare 400 of its own, hence `requireHostHeader:
 * false` in http-server.ts), a foreign Host is 403 RL_ERR_BAD_HOST.
 */
export function installHostCheck(app: FastifyInstance, allowedHosts: readonly string[]): void {
  // Host values already found allowed (a few: the main port's, each lane's), so that the usual
  // request is checked without parsing its Host again; bounded, as Host is the client's to choose.
  const allowed = new Set<string>();
  // A callback hook, as every hook on a request's path: no promise and no extra tick a request.
  app.addHook('onRequest', (request, reply, done) => {
    const refusal = hostRefusal(request, allowedHosts, allowed);
    // Refused: answered here, so the hooks after this one and the route do not run.
    if (refusal) sendError(reply, refusal);
    else done();
  });
}

/** Why the request's Host lines are refused (see installHostCheck), or null when they are fine. */
function hostRefusal(
  request: FastifyRequest,
  allowedHosts: readonly string[],
  allowed: Set<string>,
): LabError | null {
  const lines = hostLineCount(request.raw.rawHeaders);
  if (lines !== 1) {
    return labError(
      'BAD_HOST_HEADER',
      lines === 0
        ? 'the request has no Host header: send exactly one (HTTP/1.1 requires it, and the server checks it against DNS rebinding)'
        : `the request has ${lines} Host headers: HTTP/1.1 takes exactly one`,
    );
  }
  const host = request.headers.host;
  if (host !== undefined && allowed.has(host)) return null;
  if (isAllowedHost(host, allowedHosts)) {
    if (allowed.size >= 64) allowed.clear();
    allowed.add(host!);
    return null;
  }
  const shown = JSON.stringify((host ?? '').slice(0, 80));
  request.log.warn({ host }, 'refused a request for a foreign Host');
  return labError(
    'BAD_HOST',
    `Host ${shown} is not a loopback name or a configured host (ALLOWED_HOSTS); refused as a DNS-rebinding defence`,
  );
}

/** Methods that change nothing (RFC 9110 §9.2.1), and OPTIONS, which the lanes' preflight answers. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a state-changing request (POST, PUT, DELETE, PATCH on any route:
 * publishing, faults, storms, schedules, scale) sent by a page whose Origin is
 * not trusted: 403 RL_ERR_BAD_ORIGIN. The browser's preflight only guards what
 * a page may *read*; a simple cross-origin POST (text/plain, a form) is still
 * sent, so the route itself checks. A request with no Origin (curl, a test
 * client, an old browser's same-origin request) passes, as for upgrades.
 */
export function installOriginCheck(
  app: FastifyInstance,
  origins: { isTrustedOrigin(origin: string, host: string | undefined): boolean },
): void {
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (
      SAFE_METHODS.has(request.method) ||
      origin === undefined ||
      origins.isTrustedOrigin(origin, request.headers.host)
    ) {
      done();
      return;
    }
    request.log.warn({ origin, method: request.method }, 'refused a foreign Origin');
    const path = (request.url.split('?')[0] ?? '').slice(0, 120);
    // Answered here: the hooks after this one and the route do not run.
    sendError(
      reply,
      labError(
        'BAD_ORIGIN',
        `Origin ${JSON.stringify(origin.slice(0, 80))} may not ${request.method} ${path}: only the app's own pages (or ALLOWED_ORIGINS) may change the server's state`,
      ),
    );
  });
}
