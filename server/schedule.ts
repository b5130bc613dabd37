import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  DeleteScheduleQuery,
  RenewBody,
  ScheduleBody,
  ScheduleStatusSchema,
  SchedulePlayer,
  noSchedule,
  type ScheduleHost,
} from '../src/core/schedule-player';
import type { Lab } from './lab';
import { ChannelParams, ErrorResponse } from './schemas';

/** The schedule player's view of the lab. */
function scheduleHost(lab: Lab): ScheduleHost {
  return {
    now: () => lab.now(),
    publish: (channel, input, target) => lab.publish(channel, input, target),
    hasOwner: (owner) => lab.observer.hasOwner(owner),
    restartingUntil: () => lab.faults.restartingUntil,
    endRestartIfDue: () => lab.endRestartIfDue(),
  };
}

/**
 * `POST/GET/DELETE /api/channels/:ch/schedule` (protocol.md, "Schedules"):
 * the server plays a seeded message schedule into the channel.
 */
export const schedulePlugin: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const player = new SchedulePlayer(scheduleHost(app.lab));
  const unwatch = app.lab.observer.onOwnerLeft((owner) => player.ownerLeft(owner));
  app.addHook('onClose', async () => {
    unwatch();
    player.stopAll();
  });
  const responses = { 200: ScheduleStatusSchema, 201: ScheduleStatusSchema, '4xx': ErrorResponse };

  app.post(
    '/api/channels/:ch/schedule',
    { schema: { params: ChannelParams, body: ScheduleBody, response: responses } },
    async (request, reply) => reply.code(201).send(player.start(request.params.ch, request.body)),
  );

  app.post(
    '/api/channels/:ch/schedule/renew',
    { schema: { params: ChannelParams, body: RenewBody, response: responses } },
    async (request) => player.renew(request.params.ch, request.body.id),
  );

  app.get(
    '/api/channels/:ch/schedule',
    { schema: { params: ChannelParams, response: responses } },
    async (request) => {
      const status = player.status(request.params.ch);
      if (!status) throw noSchedule(request.params.ch);
      return status;
    },
  );

  app.delete(
    '/api/channels/:ch/schedule',
    { schema: { params: ChannelParams, querystring: DeleteScheduleQuery, response: responses } },
    async (request) => {
      const status = player.stop(request.params.ch, request.query.id);
      if (!status) throw noSchedule(request.params.ch);
      return status;
    },
  );
};
