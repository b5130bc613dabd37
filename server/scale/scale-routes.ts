/**
 * `/api/scale` (issue #12, point 6): one topology per lab — gateways behind a
 * balancer on one broker — started, read, changed and stopped over HTTP. Every
 * answer but the registry's and DELETE's is the topology object (adding and
 * removing a gateway add `moved`: who changed gateway); refusals come from the
 * core error table. The topology stops when the lab closes.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { labError } from '../../src/core';
import { ErrorResponse } from '../schemas';
import {
  BrokerBody,
  GatewayParams,
  PolicyBody,
  RegistryResponse,
  ScaleBody,
  TopologyResponse,
} from './scale-schemas';
import { Topology, type TopologyOptions, type TopologyView } from './topology';

export interface ScalePluginOptions {
  /** How a topology is started (tests inject gateways or a Redis source). */
  readonly start?: (options: TopologyOptions) => Promise<Topology>;
}

/**
 * The origins of the lab's own page (its port on every loopback and configured
 * host name, and the configured origins): the gateways let that page in.
 */
export function labOrigins(
  port: number | null,
  allowedHosts: readonly string[],
  allowedOrigins: readonly string[],
): string[] {
  const origins = [...allowedOrigins];
  if (port === null) return origins;
  for (const host of ['127.0.0.1', 'localhost', '[::1]', ...allowedHosts]) {
    origins.push(
      host.includes(':') && !host.startsWith('[') ? `http://${host}` : `http://${host}:${port}`,
    );
  }
  return origins;
}

/** The origins of the lab `app` serves (see labOrigins). */
function originsOf(app: FastifyInstance): string[] {
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : null;
  return labOrigins(port, app.lab.options.allowedHosts, app.lab.options.allowedOrigins);
}

const answers = { 200: TopologyResponse, '4xx': ErrorResponse, '5xx': ErrorResponse };

export const scalePlugin: FastifyPluginAsync<ScalePluginOptions> = async (fastify, options) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const start = options.start ?? ((settings: TopologyOptions) => Topology.start(settings));
  let current: Topology | null = null;
  /** A topology on its way up: a second POST is refused, and the lab's close waits for it. */
  let starting: Promise<Topology> | null = null;
  const running = (): Topology => {
    if (current === null) throw labError('NO_TOPOLOGY');
    return current;
  };
  app.addHook('onClose', async () => {
    const topology = current ?? (await starting?.catch(() => null)) ?? null;
    current = null;
    await topology?.stop();
  });

  app.post(
    '/api/scale',
    { schema: { body: ScaleBody, response: { ...answers, 201: TopologyResponse } } },
    async (request, reply) => {
      if (current !== null || starting !== null) throw labError('SCALE_RUNNING');
      starting = start({
        ...request.body,
        allowedOrigins: originsOf(fastify),
        // Every gateway's, the balancer's and the broker's steps reach this lab's observers.
        trace: fastify.lab.observer,
      });
      try {
        current = await starting;
      } finally {
        starting = null;
      }
      return reply.code(201).send(current.view());
    },
  );
  app.get('/api/scale', { schema: { response: answers } }, async () => running().view());
  app.patch('/api/scale', { schema: { body: PolicyBody, response: answers } }, async (request) =>
    running().setPolicy(request.body.policy),
  );
  app.delete(
    '/api/scale',
    { schema: { response: { 204: Type.Null(), '4xx': ErrorResponse } } },
    async (_request, reply) => {
      const topology = running();
      current = null;
      await topology.stop();
      return reply.code(204).send(null);
    },
  );

  app.post('/api/scale/gateways', { schema: { response: answers } }, async () =>
    running().addGateway(),
  );
  const named = { schema: { params: GatewayParams, response: answers } };
  app.delete('/api/scale/gateways/:name', named, async (request) =>
    running().removeGateway(request.params.name),
  );
  app.post('/api/scale/gateways/:name/kill', named, async (request) =>
    running().killGateway(request.params.name),
  );
  app.post('/api/scale/gateways/:name/restart', named, async (request) =>
    running().restartGateway(request.params.name),
  );
  app.post(
    '/api/scale/broker',
    { schema: { body: BrokerBody, response: answers } },
    async (request) => switchBroker(running(), request.body),
  );
  app.get(
    '/api/scale/registry',
    { schema: { response: { 200: RegistryResponse, '4xx': ErrorResponse } } },
    async () => ({
      connections: running()
        .proxy.connections()
        .map((c) => ({
          user: c.user,
          technique: c.technique ?? null,
          gateway: c.gateway,
          conn: c.conn ?? null,
        })),
    }),
  );
};

/** `{ up }` then `{ off }`, each when given; answers the topology after both. */
async function switchBroker(
  topology: Topology,
  body: { up?: boolean; off?: boolean },
): Promise<TopologyView> {
  let view = topology.view();
  if (body.up !== undefined) view = await topology.setBrokerUp(body.up);
  if (body.off !== undefined) view = await topology.setBrokerOff(body.off);
  return view;
}
