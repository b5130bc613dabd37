import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { labError, type PublishInput } from '../src/core';
import { sendError } from './errors';
import { requestLabels } from './labels';
import { traceTarget } from './labels';
import { publisherKey } from './rate-limit';
import { pollRouteOptions, traceAnswer } from './poll-route';
import { ChannelParams, ErrorResponse, PublishBody, Published, SinceQuery } from './schemas';

const ahead = true as const;

/** Content types the publish route takes: JSON only (protocol.md, "Publish"). */
const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Short polling: `GET messages?since=` answers at once with whatever is newer;
 * `POST messages` publishes (used by every HTTP technique to send).
 */
export const shortPollPlugin: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const lab = app.lab;

  app.get('/messages', pollRouteOptions('short-poll', SinceQuery), async (request) => {
    const slice = lab.hub.since(request.params.ch, request.query.since ?? 0);
    traceAnswer(request, slice.messages);
    return slice.ahead
      ? { messages: slice.messages, lastId: slice.lastId, ahead }
      : { messages: slice.messages, lastId: slice.lastId };
  });

  app.post(
    '/messages',
    {
      config: { technique: null },
      // Checked before the body is parsed, so a text/plain body never reaches the JSON schema.
      onRequest: async (request) => {
        const type = request.headers['content-type'];
        if (type === undefined || !JSON_TYPE.test(type)) {
          throw labError(
            'UNSUPPORTED_MEDIA_TYPE',
            `content type must be application/json, got ${JSON.stringify((type ?? '(none)').slice(0, 60))}`,
          );
        }
      },
      schema: {
        params: ChannelParams,
        querystring: SinceQuery,
        body: PublishBody,
        response: { 201: Published, '4xx': ErrorResponse },
      },
    },
    async (request, reply) => {
      const labels = requestLabels(request);
      // Per address, and per client inside it (its `client=` label narrows, never widens: protocol.md, "Limits").
      const limited = lab.publishLimiter.take(publisherKey(labels.client, request.ip));
      if (limited) {
        reply.header('retry-after', String(Math.max(1, Math.ceil(limited.retryAfterMs / 1000))));
        return sendError(reply, limited.error);
      }
      const body = request.body;
      const input: PublishInput = { from: body.from, text: body.text };
      if (body.type !== undefined) input.type = body.type;
      if (body.sentAt !== undefined) input.sentAt = body.sentAt;
      const target = request.labTrace?.target ?? traceTarget(lab, null, labels);
      const message = await lab.publish(request.params.ch, input, target);
      if (request.labTrace) request.labTrace.messageIds = [message.id];
      return reply.code(201).send({ id: message.id, publishedAt: message.publishedAt });
    },
  );
};
