import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { labError, traceClock } from '../src/core';
import { answerObserverFrame } from '../src/core/observer-protocol';
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
