import type { Message, PollResponse } from '../core';
import { isObject } from './is-object';
import { CLIENT_ERROR_CODES, TransportError } from './transport-error';

/** Checks a message's shape (what the server sends in polls, SSE data and WebSocket frames). */
export function isMessage(value: unknown): value is Message {
  return (
    isObject(value) &&
    typeof value.id === 'number' &&
    typeof value.channel === 'string' &&
    typeof value.type === 'string' &&
    typeof value.from === 'string' &&
    typeof value.text === 'string' &&
    typeof value.publishedAt === 'number' &&
    (value.sentAt === undefined || typeof value.sentAt === 'number')
  );
}

/** Reads a poll answer `{ messages, lastId }`; throws a TransportError saying what is wrong. */
export function parsePollResponse(text: string): PollResponse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TransportError(
      `poll response is not JSON: ${JSON.stringify(text.slice(0, 80))}`,
      CLIENT_ERROR_CODES.BAD_RESPONSE,
    );
  }
  if (!isObject(value) || !Array.isArray(value.messages) || typeof value.lastId !== 'number') {
    throw new TransportError(
      'poll response must be {"messages": [...], "lastId": N}',
      CLIENT_ERROR_CODES.BAD_RESPONSE,
    );
  }
  const messages = value.messages as unknown[];
  if (!messages.every(isMessage)) {
    throw new TransportError(
      'poll response holds something that is not a message',
      CLIENT_ERROR_CODES.BAD_RESPONSE,
    );
  }
  return { messages, lastId: value.lastId };
}

/** Reads a message from SSE `data:` (the JSON of one message); throws a TransportError otherwise. */
export function parseMessageJson(text: string): Message {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TransportError('event data is not JSON', CLIENT_ERROR_CODES.BAD_RESPONSE);
  }
  if (!isMessage(value))
    throw new TransportError('event data is not a message', CLIENT_ERROR_CODES.BAD_RESPONSE);
  return value;
}
