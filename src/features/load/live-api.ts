/**
 * The page's side of the live load run (protocol.md, "Live load run"): `POST /api/load/run`
 * starts it, `GET /api/load/run` says where it is. Each answer is the run's body, or the
 * sentence to show: the server's own when it refused, else what went wrong on the way.
 */
import { isLiveRunBody, type LiveRunBody } from '../../core/load-live';

export type LiveAnswer = { ok: true; run: LiveRunBody } | { ok: false; reason: string };

async function read(response: Response): Promise<LiveAnswer> {
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const said =
      typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string'
        ? body.error
        : `the server answered ${response.status}`;
    return { ok: false, reason: said };
  }
  if (!isLiveRunBody(body)) return { ok: false, reason: 'the server’s answer is not a live run' };
  return { ok: true, run: body };
}

async function exchange(init: RequestInit, signal: AbortSignal): Promise<LiveAnswer> {
  let response: Response;
  try {
    response = await fetch('/api/load/run', { ...init, signal });
  } catch (error) {
    if (signal.aborted) throw error;
    return { ok: false, reason: 'the lab server could not be reached' };
  }
  return read(response);
}

/** Starts a run of `clients` per technique (the server's default, 500, when undefined). */
export function startLiveRun(
  clients: number | undefined,
  signal: AbortSignal,
): Promise<LiveAnswer> {
  return exchange(
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(clients === undefined ? {} : { clients }),
    },
    signal,
  );
}

export function readLiveRun(signal: AbortSignal): Promise<LiveAnswer> {
  return exchange({ method: 'GET' }, signal);
}
