import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { LabError } from '../src/core';
import type { ConnectionLimiter, SlotEnd } from './connection-limiter';
import { sendError } from './errors';

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
export function installConnectionCaps(app: FastifyInstance, limiter: ConnectionLimiter): void {
  app.addHook('onRequest', (request, reply, done) => {
    if (!request.url.startsWith('/api/channels/')) {
      done();
      return;
    }
    // An upgrade's socket is its own; an HTTP exchange ends with its response (the socket may live on).
    const socket = request.raw.socket as (Duplex & SlotEnd) | null;
    const end: SlotEnd = request.ws ? (socket ?? reply.raw) : reply.raw;
    const refused = limiter.holdUntilClose(
      request.ip ?? 'unknown',
      end,
      end.destroyed || socket?.destroyed === true,
    );
    if (refused) {
      if (request.ws) {
        refusedUpgrades.set(request.raw, refused);
        done();
        return;
      }
      // Answered here: the hooks after this one and the route do not run.
      sendError(reply, refused);
      return;
    }
    done();
  });
}
