import type { FastifyInstance } from 'fastify';
import { labError } from '../src/core';
import { sendError } from './errors';

/** The dev server's origins (Vite on 5173), accepted for WebSocket upgrades. */
export const DEV_ORIGINS = ['http://127.0.0.1:5173', 'http://localhost:5173'];

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
 * the app's own origin (`http://<Host>`), the dev server's, or a configured one.
 */
export function isAllowedOrigin(
  origin: string | undefined,
  host: string | undefined,
  allowedOrigins: readonly string[],
): boolean {
  if (origin === undefined) return true;
  const o = origin.trim().toLowerCase();
  if (host && o === `http://${host.trim().toLowerCase()}`) return true;
  if (DEV_ORIGINS.includes(o)) return true;
  return allowedOrigins.some((allowed) => allowed.trim().toLowerCase() === o);
}

/** Refuses every request (HTTP or upgrade) whose Host is not this server's: 403 RL_ERR_BAD_HOST. */
export function installHostCheck(app: FastifyInstance, allowedHosts: readonly string[]): void {
  app.addHook('onRequest', async (request, reply) => {
    const host = request.headers.host;
    if (isAllowedHost(host, allowedHosts)) return;
    const shown = JSON.stringify((host ?? '').slice(0, 80));
    request.log.warn({ host }, 'refused a request for a foreign Host');
    await sendError(
      reply,
      labError(
        'BAD_HOST',
        `Host ${shown} is not a loopback name or a configured host (ALLOWED_HOSTS); refused as a DNS-rebinding defence`,
      ),
    );
    return reply;
  });
}
