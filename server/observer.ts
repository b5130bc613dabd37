import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ERROR_CODES, labError, traceClock } from '../src/core';
import { isAllowedOrigin } from './host-check';
import { RID_LABEL } from './labels';
import { refusePlainGet } from './plain-get';

/** A page's id (`owner`): what its schedules carry, so that the server ends them once the page is gone. */
export const OWNER_ID = RID_LABEL;

/** `GET /api/observe?owner=<page id>`: the page this observer belongs to (protocol.md, "Schedules"). */
const ObserveQuery = Type.Object({
  owner: Type.Optional(Type.String({ pattern: OWNER_ID.source })),
});

/**
 * `GET /api/observe`: a WebSocket of the server's own trace events. It says
 * hello, then forwards every step the server sees (protocol.md, "Observer
 * stream"). Its own frames are never reported; it answers clock-sync requests.
 */
/**
 * The one thing an observer may send: `{ "op": "sync", "t0": <its clock> }`,
 * answered at once with the server's clock, so the page can estimate the
 * offset between the two (several exchanges; the quickest bounds it best).
 */
export function answerObserverFrame(
  text: string | null,
  serverTime: number,
): Record<string, unknown> {
  let frame: unknown;
  try {
    frame = text === null ? null : JSON.parse(text);
  } catch {
    frame = null;
  }
  const op = frame as { op?: unknown; t0?: unknown } | null;
  if (op?.op === 'sync' && typeof op.t0 === 'number' && Number.isFinite(op.t0)) {
    return { type: 'sync', t0: op.t0, serverTime };
  }
  return {
    type: 'error',
    error: 'the observer stream takes only {"op":"sync","t0":<ms>}',
    code: op?.op === 'sync' ? ERROR_CODES.BAD_OP : ERROR_CODES.UNKNOWN_OP,
  };
}

export const observerPlugin: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const lab = app.lab;

  app.route({
    method: 'GET',
    url: '/api/observe',
    schema: { querystring: ObserveQuery },
    preHandler: async (request) => {
      if (!request.ws) return;
      if (
        !isAllowedOrigin(request.headers.origin, request.headers.host, lab.options.allowedOrigins)
      ) {
        throw labError(
          'BAD_ORIGIN',
          `Origin ${JSON.stringify((request.headers.origin ?? '').slice(0, 80))} may not observe this server`,
        );
      }
    },
    handler: refusePlainGet(() =>
      labError(
        'NOT_WEBSOCKET',
        'the observer stream is a WebSocket: send an Upgrade: websocket request',
      ),
    ),
    wsHandler: (socket, request) => {
      socket.send(lab.observer.hello(lab.now()));
      lab.observer.add(socket, request.query.owner);
      socket.on('close', () => lab.observer.remove(socket));
      socket.on('message', (data, isBinary) => {
        const reply = answerObserverFrame(isBinary ? null : String(data), traceClock());
        socket.send(JSON.stringify(reply));
      });
    },
  });
};
