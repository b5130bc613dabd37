import type { FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import type { Message } from '../src/core';
import { ChannelParams, ErrorResponse, PollResponse } from './schemas';

/** A poll's `GET` route options: its technique, the channel and `query`, a poll's answer or the lab's error. */
export function pollRouteOptions<Query extends TSchema>(
  technique: 'short-poll' | 'long-poll',
  querystring: Query,
) {
  return {
    config: { technique },
    schema: {
      params: ChannelParams,
      querystring,
      response: { 200: PollResponse, '4xx': ErrorResponse },
    },
  };
}

/** Notes on the exchange's trace which messages a poll's answer carries (none: an empty answer). */
export function traceAnswer(request: FastifyRequest, messages: readonly Message[]): void {
  if (!request.labTrace) return;
  request.labTrace.messages = messages;
  request.labTrace.empty = messages.length === 0;
}
