import { labError } from './errors';

/** A channel name: lower-case letters, digits and dashes, 1 to 64 of them. */
export const CHANNEL_NAME = /^[a-z0-9-]{1,64}$/;
export const DEFAULT_CHANNEL = 'lobby';
export const DEFAULT_MESSAGE_TYPE = 'message';
/** Largest publish body the server takes, in bytes (HTTP body or WebSocket frame). */
export const DEFAULT_BODY_LIMIT = 16 * 1024;
export const MAX_FROM_LENGTH = 64;
export const MAX_TYPE_LENGTH = 64;
/** An SSE `event:` name must not hold a line break; we keep types to a safe token set. */
export const MESSAGE_TYPE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A published message, as every technique delivers it. */
export interface Message {
  id: number;
  channel: string;
  type: string;
  from: string;
  text: string;
  /** The sender's clock when it pressed Send (ms since the epoch), if it said. */
  sentAt?: number;
  /** The server's clock when the hub accepted it (ms since the epoch). */
  publishedAt: number;
}

/** What a publisher sends; the hub adds id, channel and publishedAt. */
export interface PublishInput {
  type?: string;
  from: string;
  text: string;
  sentAt?: number;
}

/** The answer to a short or long poll. */
export interface PollResponse {
  messages: Message[];
  lastId: number;
}

export function isChannelName(name: string): boolean {
  return CHANNEL_NAME.test(name);
}

export function assertChannelName(name: string): string {
  if (!isChannelName(name)) {
    throw labError(
      'BAD_CHANNEL',
      `channel name ${JSON.stringify(name.slice(0, 80))} is not valid: use 1 to 64 of a-z, 0-9 and "-"`,
    );
  }
  return name;
}

/**
 * Reads a message id given as text (`since=`, `Last-Event-ID`): a non-negative
 * whole number, 0 meaning "from the start". Anything else is refused with a
 * sentence naming the parameter.
 */
export function parseMessageId(
  raw: string | undefined,
  parameter: string,
  error: 'BAD_SINCE' | 'BAD_LAST_EVENT_ID' = 'BAD_SINCE',
): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) {
    throw labError(
      error,
      `${parameter} must be a message id (a whole number ≥ 0), got ${JSON.stringify(raw.slice(0, 40))}`,
    );
  }
  return Number(raw);
}
