import { Type } from 'typebox';
import { CHANNEL_NAME, MAX_FROM_LENGTH, MESSAGE_TYPE } from '../src/core';
import { LabelQuery } from './labels';
import { KNOB_RANGES } from './options';

/** `:ch` of every channel route. */
export const ChannelParams = Type.Object({ ch: Type.String({ pattern: CHANNEL_NAME.source }) });

/** A message id given in the query (`since`, `lastEventId`). */
export const MessageIdQuery = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

export function knob(range: { min: number; max: number }) {
  return Type.Integer({ minimum: range.min, maximum: range.max });
}

export const SinceQuery = Type.Object({
  since: Type.Optional(MessageIdQuery),
  ...LabelQuery,
});

export const LongPollQuery = Type.Object({
  since: Type.Optional(MessageIdQuery),
  timeout: Type.Optional(knob(KNOB_RANGES.timeout)),
  ...LabelQuery,
});

export const SseQuery = Type.Object({
  lastEventId: Type.Optional(MessageIdQuery),
  retry: Type.Optional(knob(KNOB_RANGES.retry)),
  heartbeat: Type.Optional(knob(KNOB_RANGES.heartbeat)),
  /** `event`: heartbeats as `event: heartbeat` (visible to the page) instead of comments. */
  heartbeatAs: Type.Optional(Type.Union([Type.Literal('comment'), Type.Literal('event')])),
  ...LabelQuery,
});

export const WsQuery = Type.Object({
  since: Type.Optional(MessageIdQuery),
  heartbeat: Type.Optional(knob(KNOB_RANGES.heartbeat)),
  /** `frame`: a `{ "type": "heartbeat" }` text frame with every ping (pages never see pings). */
  heartbeatAs: Type.Optional(Type.Union([Type.Literal('ping'), Type.Literal('frame')])),
  ...LabelQuery,
});

export const PublishBody = Type.Object(
  {
    type: Type.Optional(Type.String({ pattern: MESSAGE_TYPE.source })),
    from: Type.String({ minLength: 1, maxLength: MAX_FROM_LENGTH }),
    text: Type.String(),
    sentAt: Type.Optional(Type.Number()),
  },
  // An unknown field is refused (400), as faults and storm do, never silently dropped.
  { additionalProperties: false },
);

const MessageSchema = Type.Object({
  id: Type.Integer(),
  channel: Type.String(),
  type: Type.String(),
  from: Type.String(),
  text: Type.String(),
  sentAt: Type.Optional(Type.Number()),
  publishedAt: Type.Number(),
});

export const PollResponse = Type.Object({
  messages: Type.Array(MessageSchema),
  lastId: Type.Integer(),
  /** `since` was above `lastId`: the client should go on from `lastId` (protocol.md, "Resuming ahead"). */
  ahead: Type.Optional(Type.Literal(true)),
});

export const Published = Type.Object({ id: Type.Integer(), publishedAt: Type.Number() });

export const ErrorResponse = Type.Object({ error: Type.String(), code: Type.String() });
