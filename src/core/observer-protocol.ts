import { ERROR_CODES } from './errors';

/**
 * The one thing an observer may send: `{ "op": "sync", "t0": <its clock> }`,
 * answered at once with the server's clock, so the page can estimate the
 * offset between the two (several exchanges; the quickest bounds it best).
 */
export function answerObserverFrame(
  text: string | null,
  serverTime: number,
): Record<string, unknown> {
  let frame: unknown;
  try {
    frame = text === null ? null : JSON.parse(text);
  } catch {
    frame = null;
  }
  const op = frame as { op?: unknown; t0?: unknown } | null;
  if (op?.op === 'sync' && typeof op.t0 === 'number' && Number.isFinite(op.t0)) {
    return { type: 'sync', t0: op.t0, serverTime };
  }
  return {
    type: 'error',
    error: 'the observer stream takes only {"op":"sync","t0":<ms>}',
    code: op?.op === 'sync' ? ERROR_CODES.BAD_OP : ERROR_CODES.UNKNOWN_OP,
  };
}
