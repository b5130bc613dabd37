import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { labError } from '../src/core';
import {
  IDLE_LIVE_RUN,
  LIVE_LOAD_LIMITS,
  liveRunBody,
  nextLiveRun,
  type LiveRun,
  type LiveRunBody,
  type LiveRunEvent,
} from '../src/core/load-live';
import { startLiveChild, type LiveChild } from './load-run-child';
import { LoadRunBody, LoadRunResponse } from './load-run-schemas';
import { ErrorResponse } from './schemas';

/**
 * The lab's one live load run (protocol.md, "Live load run"): its state (src/core/load-live.ts,
 * one union and one transition function) and the child process that runs it
 * (load-run-child.ts). One at a time; the lab's close stops a running one.
 */
export class LiveLoadRunner {
  private run: LiveRun = IDLE_LIVE_RUN;
  private child: LiveChild | null = null;
  private started = 0;

  constructor(private readonly log: FastifyBaseLogger) {}

  snapshot(): LiveRunBody {
    return liveRunBody(this.run);
  }

  /** Starts a run of `clients` per technique; RL_ERR_LOAD_RUNNING while one runs. */
  start(clients: number): LiveRunBody {
    if (this.run.state === 'running') throw labError('LOAD_RUNNING');
    const now = Date.now();
    this.apply({
      type: 'start',
      clients,
      startedAt: new Date(now).toISOString(),
      section: 'starting the live run’s process',
    });
    this.started += 1;
    this.child = startLiveChild(
      { clients, endsAt: now + LIVE_LOAD_LIMITS.budgetMs },
      {
        progress: (progress) => this.apply({ type: 'progress', ...progress }),
        end: (outcome) => {
          this.child = null;
          this.apply(
            'results' in outcome
              ? { type: 'finish', results: outcome.results }
              : { type: 'fail', error: outcome.error },
          );
          this.log.info(
            { clients, state: this.run.state, ms: Date.now() - now },
            'live load run ended',
          );
        },
      },
      `${process.pid}-${this.started}`,
    );
    return this.snapshot();
  }

  /** Stops a running child (the lab closes); resolves once it has exited. */
  async close(): Promise<void> {
    await this.child?.stop('the lab server closed, so the live run was stopped');
  }

  private apply(event: LiveRunEvent): void {
    this.run = nextLiveRun(this.run, event);
  }
}

/** `POST /api/load/run` starts the live run; `GET /api/load/run` tells where it is. */
export const loadRunPlugin: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const runner = new LiveLoadRunner(app.log);
  app.addHook('onClose', () => runner.close());

  app.post(
    '/api/load/run',
    {
      schema: { body: LoadRunBody, response: { 202: LoadRunResponse, '4xx': ErrorResponse } },
      // The body is optional: a POST without one (no content type, no length) is `{}`.
      preValidation: (request, _reply, done) => {
        request.body ??= {};
        done();
      },
    },
    async (request, reply) => {
      const clients = request.body.clients ?? LIVE_LOAD_LIMITS.defaultClients;
      const body = runner.start(clients);
      request.log.info({ clients }, 'live load run started');
      return reply.code(202).send(body);
    },
  );

  app.get('/api/load/run', { schema: { response: { 200: LoadRunResponse } } }, async () =>
    runner.snapshot(),
  );
};
