import type { FastifyPluginAsync } from 'fastify';
import { ERROR_CODES, LabError } from '../src/core';
import { isAllowedOrigin } from './host-check';

/**
 * `GET /api/observe`: a WebSocket of the server's own trace events. It says
 * hello, then forwards every step the server sees (protocol.md, "Observer
 * stream"). Its own frames are never reported, and it ignores what it is sent.
 */
export const observerPlugin: FastifyPluginAsync = async (app) => {
  const lab = app.lab;

  app.route({
    method: 'GET',
    url: '/api/observe',
    preHandler: async (request) => {
      if (!request.ws) return;
      if (
        !isAllowedOrigin(request.headers.origin, request.headers.host, lab.options.allowedOrigins)
      ) {
        throw new LabError(
          `Origin ${JSON.stringify((request.headers.origin ?? '').slice(0, 80))} may not observe this server`,
          ERROR_CODES.BAD_ORIGIN,
          403,
        );
      }
    },
    handler: async () => {
      throw new LabError(
        'the observer stream is a WebSocket: send an Upgrade: websocket request',
        ERROR_CODES.NOT_WEBSOCKET,
        426,
      );
    },
    wsHandler: (socket) => {
      socket.send(lab.observer.hello(lab.now()));
      lab.observer.add(socket);
      socket.on('close', () => lab.observer.remove(socket));
    },
  });
};
