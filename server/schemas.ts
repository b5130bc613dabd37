import { Type } from 'typebox';
export {
  ChannelParams,
  MessageIdQuery,
  knob,
  SinceQuery,
  LongPollQuery,
  SseQuery,
  WsQuery,
  PublishBody,
} from '../src/core/api-schemas';

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
