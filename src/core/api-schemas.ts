/**
 * The channel routes' inputs as schemas (TypeBox), shared by the server's routes (compiled
 * with ajv there) and the offline simulation (checked with TypeBox's own Value there), so that
 * both refuse exactly the same input. Pure data: no Node, no DOM.
 */
import { Type } from 'typebox';
import { KNOB_RANGES } from './knobs';
import { CHANNEL_NAME, MAX_FROM_LENGTH, MESSAGE_TYPE } from './message';

/** `client=` — the participant that sent the request (protocol.md, "Labels"). */
export const CLIENT_LABEL = /^[a-z0-9-]{1,32}$/;
/** `rid=` — the browser's own id for the request or connection. */
export const RID_LABEL = /^[A-Za-z0-9._:-]{1,64}$/;

/** The two label parameters every technique endpoint accepts; spread into a querystring schema. */
export const LabelQuery = {
  client: Type.Optional(Type.String({ pattern: CLIENT_LABEL.source })),
  rid: Type.Optional(Type.String({ pattern: RID_LABEL.source })),
};

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
