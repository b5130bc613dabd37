/**
 * The server's own trace steps as the lab server and the offline simulation both make them:
 * the step itself, and the fields of the steps whose shape is the lesson (a publish, a
 * WebSocket frame, a ping or pong, the give-up on a half-open socket), so that a step means
 * the same whichever of the two recorded it. What delivers a channel's messages in order
 * without gap or duplicate (`DeliveryCursor`) is here too.
 */
import type { HistorySlice } from './history';
import type { Message } from './message';
import { resumeCursor } from './history';
import type { Technique } from './technique';
import type { Direction, TraceEventInput, TraceKind } from './trace';
import { traceClock } from './clock';
import { ERROR_CODES } from './errors';
import { WS_OPCODES, utf8Bytes, wsFrameHeaderBytes } from './wsframe';

/** Which request or connection a server-side step belongs to. */
export interface TraceTarget {
  technique: Technique | null;
  /** The client's `rid` label, or the server's own `s-<n>`. */
  conn: string;
  /** The client's `client` label. */
  peer?: string;
}

export type TraceFields = Pick<TraceEventInput, 'bytes' | 'messageIds' | 'empty' | 'details'>;

/** One step the server `actor` saw now, on `target`'s connection. */
export function serverStep(
  actor: string,
  target: TraceTarget,
  kind: TraceKind,
  dir: Direction,
  fields?: TraceFields,
): TraceEventInput {
  const event: TraceEventInput = {
    t: traceClock(),
    observer: 'server',
    actor,
    technique: target.technique,
    conn: target.conn,
    kind,
    dir,
    ...fields,
  };
  if (target.peer !== undefined) event.peer = target.peer;
  return event;
}

/** A `publish` step: the id the message got, who sent it and when they pressed Send. */
export function publishFields(message: Message): TraceFields {
  return {
    messageIds: [message.id],
    details: {
      from: message.from,
      ...(message.sentAt !== undefined ? { sentAt: message.sentAt } : {}),
    },
  };
}

/** A text frame of `payload` bytes (`text` when it is kept), up (masked) or down. */
export function wsFrameFields(
  dir: 'up' | 'down',
  payload: number,
  text: string | null,
  messageIds?: number[],
): TraceFields {
  const masked = dir === 'up';
  return {
    bytes: { header: wsFrameHeaderBytes(payload, masked), payload },
    ...(messageIds ? { messageIds } : {}),
    details: {
      opcode: text === null ? WS_OPCODES.binary : WS_OPCODES.text,
      masked,
      ...(text === null ? {} : { body: text }),
    },
  };
}

/** A text frame as sent: its UTF-8 size and its text. */
export function wsTextFrameFields(
  dir: 'up' | 'down',
  text: string,
  messageIds?: number[],
): TraceFields {
  return wsFrameFields(dir, utf8Bytes(text), text, messageIds);
}

/** A ping or a pong with `length` bytes of application data. */
export function wsControlFields(
  kind: 'ping' | 'pong',
  dir: 'up' | 'down',
  length: number,
): TraceFields {
  return {
    bytes: { header: wsFrameHeaderBytes(length, dir === 'up'), payload: length },
    details: { opcode: kind === 'ping' ? WS_OPCODES.ping : WS_OPCODES.pong, masked: dir === 'up' },
  };
}

/**
 * The server's heartbeat noticed a silenced peer and gives up on it: the `error` step and
 * the `close` step of its side. Nothing reaches the peer, which must notice by itself;
 * the socket is cut after `lingerMs` at most.
 */
export function halfOpenGiveUpFields(
  halfOpenMs: number,
  lingerMs: number,
): [TraceFields, TraceFields] {
  return [
    {
      details: {
        error: `no pong since the previous ping: the server gives up (half-open for ${halfOpenMs} ms)`,
        errorCode: ERROR_CODES.MISSED_PONG,
      },
    },
    {
      details: {
        wasClean: false,
        note: `the server closed its end after ${halfOpenMs} ms half-open; nothing is sent to the peer, which must notice by itself (the socket is cut after ${lingerMs} ms at most)`,
      },
    },
  ];
}

/**
 * What a channel connection has delivered: it starts where `since` says (or live), a
 * replay moves it to the slice's last id, and a live message goes out only when it is
 * newer — so a replay and live delivery together send every message once, in id order.
 */
export class DeliveryCursor {
  private lastSentId: number;

  constructor(since: number | undefined, lastId: number) {
    this.lastSentId = resumeCursor(since, lastId).from;
  }

  /** The messages a replay sends (all the slice holds); the cursor moves past them. */
  replay(slice: HistorySlice): readonly Message[] {
    this.lastSentId = Math.max(this.lastSentId, slice.lastId);
    return slice.messages;
  }

  /** Whether a live message is still to send; if so it counts as sent. */
  take(message: Message): boolean {
    if (message.id <= this.lastSentId) return false;
    this.lastSentId = message.id;
    return true;
  }
}
