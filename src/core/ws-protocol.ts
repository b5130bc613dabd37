import { ERROR_TABLE, type ErrorCode } from './errors';
import { MAX_FROM_LENGTH, MESSAGE_TYPE, type Message } from './message';

/** What a browser may send on `/api/channels/:ch/ws`. */
export type ClientOp =
  | { op: 'publish'; type?: string; text: string; from?: string; sentAt?: number; ref?: string }
  | { op: 'resume'; since: number };

/** What the server sends on `/api/channels/:ch/ws`. */
export type ServerFrame =
  | { type: 'message'; message: Message }
  | { type: 'published'; id: number; publishedAt: number; ref?: string }
  | { type: 'error'; error: string; code: ErrorCode }
  /** With `heartbeatAs=frame`: sent with every ping, so that a page (which never sees pings) can notice silence. */
  | { type: 'heartbeat'; serverTime: number }
  /** A `since` above the channel's last id: live delivery goes on from `lastId` (protocol.md, "Resuming ahead"). */
  | { type: 'ahead'; lastId: number };

export type ParsedOp =
  { ok: true; op: ClientOp } | { ok: false; error: string; code: ErrorCode; closeCode: number };

/** The refusals an op can get; each carries its table's code and close code. */
type OpRefusal = 'BAD_JSON' | 'BAD_OP' | 'UNKNOWN_OP';

function refuse(error: string, name: OpRefusal): ParsedOp {
  const { code, closeCode } = ERROR_TABLE[name];
  return { ok: false, error, code, closeCode };
}

/**
 * Checks one client text frame. A frame that is not JSON, names an unknown op or
 * has fields of the wrong kind is refused with a sentence, a stable code and
 * the close code (1007 for undecodable data, 1008 for the rest) — the server
 * answers it with an error frame and keeps the socket open.
 */
export function parseClientOp(text: string): ParsedOp {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refuse(
      'frame is not JSON: send {"op":"publish","text":"…"} or {"op":"resume","since":N}',
      'BAD_JSON',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refuse('frame must be a JSON object with an "op"', 'BAD_OP');
  }
  const frame = value as Record<string, unknown>;
  if (frame.op === 'publish') {
    if (typeof frame.text !== 'string') return refuse('publish needs "text" (a string)', 'BAD_OP');
    if (
      frame.type !== undefined &&
      (typeof frame.type !== 'string' || !MESSAGE_TYPE.test(frame.type))
    ) {
      return refuse('publish "type" must be 1 to 64 of A-Z a-z 0-9 _ . : -', 'BAD_OP');
    }
    if (
      frame.from !== undefined &&
      (typeof frame.from !== 'string' ||
        frame.from.length === 0 ||
        frame.from.length > MAX_FROM_LENGTH)
    ) {
      return refuse(
        `publish "from" must be a string of 1 to ${MAX_FROM_LENGTH} characters`,
        'BAD_OP',
      );
    }
    if (
      frame.sentAt !== undefined &&
      (typeof frame.sentAt !== 'number' || !Number.isFinite(frame.sentAt))
    ) {
      return refuse('publish "sentAt" must be a number (ms since the epoch)', 'BAD_OP');
    }
    if (frame.ref !== undefined && (typeof frame.ref !== 'string' || frame.ref.length > 64)) {
      return refuse('publish "ref" must be a string of at most 64 characters', 'BAD_OP');
    }
    const op: ClientOp = { op: 'publish', text: frame.text };
    if (frame.type !== undefined) op.type = frame.type as string;
    if (frame.from !== undefined) op.from = frame.from as string;
    if (frame.sentAt !== undefined) op.sentAt = frame.sentAt as number;
    if (frame.ref !== undefined) op.ref = frame.ref as string;
    return { ok: true, op };
  }
  if (frame.op === 'resume') {
    if (typeof frame.since !== 'number' || !Number.isInteger(frame.since) || frame.since < 0) {
      return refuse('resume needs "since": a message id (a whole number ≥ 0)', 'BAD_OP');
    }
    return { ok: true, op: { op: 'resume', since: frame.since } };
  }
  return refuse(
    `unknown op ${JSON.stringify(String(frame.op ?? '(none)').slice(0, 40))}: use "publish" or "resume"`,
    'UNKNOWN_OP',
  );
}

/**
 * How long an abandoned half-open socket is left open at most, ms: long enough for the
 * peer's own watchdog (2.5 heartbeats on the page) to notice first, bounded all the same.
 */
export function halfOpenLingerMs(heartbeatMs: number): number {
  return Math.max(60_000, 3 * heartbeatMs);
}
