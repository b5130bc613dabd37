import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { formatDuration, labError } from '../src/core';
import { FaultController, FaultsBody } from '../src/core/faults';
import { sendError } from './errors';
import type { Lab } from './lab';
import type { TraceTarget } from './observer-stream';

const FaultsResponse = Type.Object({
  latencyMs: Type.Object({ up: Type.Integer(), down: Type.Integer() }),
  blockWebSockets: Type.Boolean(),
  restartingUntil: Type.Union([Type.Number(), Type.Null()]),
  lastRestart: Type.Union([
    Type.Object({ at: Type.Number(), downForMs: Type.Integer() }),
    Type.Null(),
  ]),
});

const FAULT_TARGET: TraceTarget = { technique: null, conn: 'faults' };

/**
 * While a simulated restart is on, the technique endpoints and the health
 * check answer 503 (upgrades included); the faults API, the observer and the
 * static app stay reachable so the UI can watch the server come back.
 */
export function installRestartGate(app: FastifyInstance, lab: Lab): void {
  app.addHook('onRequest', (request, reply, done) => {
    const stillRestarting = lab.endRestartIfDue();
    const path = request.url;
    if (
      !stillRestarting ||
      (!path.startsWith('/api/channels/') && !path.startsWith('/api/health'))
    ) {
      done();
      return;
    }
    // Answered here: the hooks after this one and the route do not run.
    sendError(
      reply,
      labError(
        'UNAVAILABLE',
        `the server is rebooting: it answers again in ${formatDuration((lab.faults.restartingUntil ?? 0) - lab.now())}`,
      ),
    );
  });
}

/** `GET/POST /api/faults` (protocol.md, "Faults"). */
export const faultsPlugin: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const lab = app.lab;
  const control = new FaultController({
    faults: lab.faults,
    connections: lab.connections,
    now: () => lab.now(),
    record: (fault, note, more = {}) =>
      lab.observer.record(FAULT_TARGET, 'fault', 'none', { details: { fault, note, ...more } }),
  });

  app.get('/api/faults', { schema: { response: { 200: FaultsResponse } } }, async () =>
    control.snapshot(),
  );

  app.post(
    '/api/faults',
    { schema: { body: FaultsBody, response: { 200: FaultsResponse } } },
    async (request) => control.apply(request.body),
  );
};
