import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type StormSettings, labError } from '../src/core';
import { ErrorResponse } from './schemas';
import { STORM_DEFAULTS, StormBody, StormResponse } from './storm-schemas';
import { runStormsInWorker } from './storm-worker';

/** `POST /api/storm`: both runs, one storm at a time per server. */
export const stormPlugin: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  let running: AbortController | null = null;
  // The lab's close stops a running storm: its worker is terminated.
  app.addHook('onClose', async () => running?.abort());

  app.post(
    '/api/storm',
    { schema: { body: StormBody, response: { 200: StormResponse, '4xx': ErrorResponse } } },
    async (request) => {
      if (running) {
        throw labError('STORM_RUNNING');
      }
      const settings: StormSettings = { ...STORM_DEFAULTS, ...request.body };
      const controller = new AbortController();
      running = controller;
      try {
        const result = await runStormsInWorker(settings, { signal: controller.signal });
        request.log.info(
          {
            clients: settings.clients,
            peaks: result.runs.map((run) => run.peakPer100ms),
            durations: result.runs.map((run) => run.durationMs),
          },
          'reconnection storm done',
        );
        return result;
      } finally {
        if (running === controller) running = null;
      }
    },
  );
};
