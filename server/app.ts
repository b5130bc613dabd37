import Fastify, { type FastifyInstance } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import { WS_CLOSE } from '../src/core';
import { installChannelCap } from './channel-cap';
import { clientErrorHandler } from './client-error';
import { installConnectionCaps } from './connection-caps';
import { frameworkErrorHandler, installErrorHandling } from './errors';
import { faultsPlugin, installRestartGate } from './faults';
import { installHostCheck, installOriginCheck } from './host-check';
import { createLimitedServer } from './http-server';
import { installArrivalMark, installHttpTrace } from './http-trace';
import { installLanes, Lanes } from './lanes';
import { Lab } from './lab';
import { longPollPlugin } from './long-poll';
import { observerPlugin } from './observer';
import { schedulePlugin } from './schedule';
import { scalePlugin } from './scale/scale-routes';
import { resolveOptions, type ServerOptionsInput } from './options';
import { requestLoggerOptions } from './request-logger';
import { shortPollPlugin } from './short-poll';
import { ssePlugin } from './sse';
import { loadResultsPlugin } from './load-results';
import { loadRunPlugin } from './load-run';
import { stormPlugin } from './storm';
import { installStatic } from './static';
import { labValidation } from './validation';
import { watchUpgradeHeads, websocketPlugin, wsErrorFields } from './websocket';

export type { ServerOptions, ServerOptionsInput } from './options';

/**
 * Builds the lab's server: the hub, the four technique endpoints under
 * `/api/channels/:ch/`, the observer stream, faults, health and the static app.
 * Nothing listens until the caller calls `listen`.
 */
export async function buildApp(options: ServerOptionsInput = {}): Promise<FastifyInstance> {
  const config = resolveOptions(options);
  const lab = new Lab(config);
  const onClientError = clientErrorHandler(lab);
  const app = Fastify({
    // Header size and timeouts are Node's (protocol.md, "Limits"); the lanes get the same server.
    serverFactory: (handler) => createLimitedServer(config.limits, handler),
    clientErrorHandler: onClientError,
    // Refusals by the router itself (bad percent-encoding) answer with the lab's JSON too.
    frameworkErrors: frameworkErrorHandler,
    logger: { level: config.logLevel },
    // Below `info`, no pino child a request (request-logger.ts).
    ...requestLoggerOptions(config.logLevel),
    bodyLimit: config.bodyLimit,
    // HEAD would open a stream or a held poll just to drop its body: only the routes we declare.
    exposeHeadRoutes: false,
    ...labValidation, // no body coerced, no unknown field dropped, no ±Infinity: server/validation.ts
  });
  app.decorate('lab', lab);
  app.addHook('onClose', () => lab.close());
  // First of all hooks: a request answered by any later onRequest hook still has its mark.
  installArrivalMark(app, lab);

  installErrorHandling(app);
  const lanes = new Lanes(config.allowedHosts, config.allowedOrigins, () => {
    const server = createLimitedServer(config.limits);
    server.on('clientError', onClientError);
    return server;
  });
  installLanes(app, lanes);

  await app.register(fastifyWebsocket, {
    // ws answers at most 60 pings at once (its default `maxPendingAutoPongs`, which @types/ws does
    // not declare): past it, it terminates the socket; websocket.ts traces why (MAX_PENDING_PONGS).
    options: { maxPayload: config.bodyLimit, perMessageDeflate: false },
    // ws errors (an oversize frame: ws closes with 1009 itself) are traced, not answered by terminating.
    // A channel socket traces its own errors once open (websocket.ts, releaseUpgrade); this is for the rest.
    errorHandler: (error, _socket, request) => {
      request.log.debug({ err: error }, 'websocket error');
      const target = request.labTrace?.target;
      if (target) lab.observer.record(target, 'error', 'none', wsErrorFields(error));
    },
    preClose: (done) => {
      lab.connections.endAll('shutdown');
      lab.observer.closeAll(WS_CLOSE.goingAway, 'server shutting down');
      for (const client of app.websocketServer.clients)
        client.close(WS_CLOSE.goingAway, 'server shutting down');
      app.websocketServer.close(() => done());
    },
  });
  watchUpgradeHeads(lab, app.websocketServer);
  // After @fastify/websocket's own onRequest hook, so that a refused upgrade's socket is closed by it.
  installHostCheck(app, config.allowedHosts);
  // State-changing routes check Origin themselves: the app's own pages (any of its ports) or trusted ones.
  installOriginCheck(app, lanes);
  installRestartGate(app, lab);
  installConnectionCaps(app, lab.connectionLimiter);

  await app.register(observerPlugin);
  await app.register(faultsPlugin);
  await app.register(schedulePlugin);
  await app.register(stormPlugin);
  await app.register(loadResultsPlugin);
  await app.register(loadRunPlugin);
  await app.register(scalePlugin);
  app.get('/api/health', async () => ({ ok: true }));

  await app.register(
    async (channels) => {
      installHttpTrace(channels, lab);
      installChannelCap(channels, lab);
      // Added latency (fault): the request waits before it is handled, the answer before it leaves.
      // Callback hooks (as every hook on a request's path): no promise and no extra tick when off.
      channels.addHook('preHandler', (_request, _reply, done) => {
        const up = lab.faults.latencyMs.up;
        if (up > 0) setTimeout(done, up);
        else done();
      });
      channels.addHook('onSend', (_request, _reply, payload, done) => {
        const down = lab.faults.latencyMs.down;
        if (down > 0) setTimeout(() => done(null, payload), down);
        else done(null, payload);
      });
      await channels.register(shortPollPlugin);
      await channels.register(longPollPlugin);
      await channels.register(ssePlugin);
      await channels.register(websocketPlugin);
    },
    { prefix: '/api/channels/:ch' },
  );

  await installStatic(app, config.staticDir);
  return app;
}
