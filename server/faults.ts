import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { countOf, formatDuration, labError, type TraceDetails } from '../src/core';
import { sendError } from './errors';
import type { FaultState, Lab } from './lab';
import type { TraceTarget } from './observer-stream';

const Latency = Type.Integer({ minimum: 0, maximum: 10_000 });

export const FaultsBody = Type.Object(
  {
    latencyMs: Type.Optional(
      Type.Object(
        { up: Type.Optional(Latency), down: Type.Optional(Latency) },
        { additionalProperties: false },
      ),
    ),
    blockWebSockets: Type.Optional(Type.Boolean()),
    drop: Type.Optional(Type.Literal(true)),
    silence: Type.Optional(Type.Literal(true)),
    restart: Type.Optional(
      Type.Object(
        { downForMs: Type.Integer({ minimum: 0, maximum: 60_000 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

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

function snapshot(lab: Lab): FaultState {
  lab.endRestartIfDue();
  return {
    latencyMs: { ...lab.faults.latencyMs },
    blockWebSockets: lab.faults.blockWebSockets,
    restartingUntil: lab.faults.restartingUntil,
    lastRestart: lab.faults.lastRestart && { ...lab.faults.lastRestart },
  };
}

/**
 * While a simulated restart is on, the technique endpoints and the health
 * check answer 503 (upgrades included); the faults API, the observer and the
 * static app stay reachable so the UI can watch the server come back.
 */
export function installRestartGate(app: FastifyInstance, lab: Lab): void {
  app.addHook('onRequest', async (request, reply) => {
    const stillRestarting = lab.endRestartIfDue();
    if (!stillRestarting) return;
    const path = request.url;
    if (!path.startsWith('/api/channels/') && !path.startsWith('/api/health')) return;
    await sendError(
      reply,
      labError(
        'UNAVAILABLE',
        `the server is rebooting: it answers again in ${formatDuration((lab.faults.restartingUntil ?? 0) - lab.now())}`,
      ),
    );
    return reply;
  });
}

/** `GET/POST /api/faults` (protocol.md, "Faults"). */
export const faultsPlugin: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const lab = app.lab;
  const record = (fault: string, note: string, more: TraceDetails = {}): void =>
    lab.observer.record(FAULT_TARGET, 'fault', 'none', { details: { fault, note, ...more } });

  // The half-open fault lasts until every silenced connection has been noticed and closed.
  let silencedSince: number | null = null;
  lab.connections.onAllNoticed = () => {
    if (silencedSince === null) return;
    record(
      'half-open',
      `every silent connection was noticed and closed, ${formatDuration(lab.now() - silencedSince)} after they went silent`,
      { faultPhase: 'end' },
    );
    silencedSince = null;
  };

  app.get('/api/faults', { schema: { response: { 200: FaultsResponse } } }, async () =>
    snapshot(lab),
  );

  app.post(
    '/api/faults',
    { schema: { body: FaultsBody, response: { 200: FaultsResponse } } },
    async (request) => {
      const body = request.body;
      if (body.latencyMs) {
        const next = { ...lab.faults.latencyMs, ...body.latencyMs };
        lab.faults.latencyMs = next;
        const on = next.up > 0 || next.down > 0;
        record(
          'latency',
          on
            ? `added latency: each request waits ${formatDuration(next.up)}, each answer ${formatDuration(next.down)}`
            : 'added latency lifted',
          { faultPhase: on ? 'start' : 'end' },
        );
      }
      if (body.blockWebSockets !== undefined) {
        lab.faults.blockWebSockets = body.blockWebSockets;
        record(
          'block-websockets',
          body.blockWebSockets ? 'WebSocket upgrades blocked' : 'WebSocket upgrades allowed',
          { faultPhase: body.blockWebSockets ? 'start' : 'end' },
        );
      }
      if (body.drop) {
        const ended = lab.connections.endAll('drop');
        record(
          'drop',
          ended === 0
            ? 'no connection was open to drop'
            : `dropped ${countOf(ended, 'connection')}`,
        );
      }
      if (body.silence) {
        const silenced = lab.connections.silenceAll();
        if (silenced > 0) {
          silencedSince ??= lab.now();
          record(
            'half-open',
            `${countOf(silenced, 'connection')} went silent: still open, but nothing flows either way`,
            { faultPhase: 'start' },
          );
        } else {
          record('half-open', 'nothing went silent: no stream, socket or held poll was open');
        }
      }
      if (body.restart) {
        const ended = lab.connections.endAll('drop');
        const downForMs = body.restart.downForMs;
        lab.faults.restartingUntil = downForMs > 0 ? lab.now() + downForMs : null;
        lab.faults.lastRestart = { at: lab.now(), downForMs };
        record(
          'restart',
          `server rebooted: ${ended === 0 ? 'no connection was open' : `dropped ${countOf(ended, 'connection')}`}, down for ${formatDuration(downForMs)}`,
          { delayMs: downForMs },
        );
      }
      return snapshot(lab);
    },
  );
};
