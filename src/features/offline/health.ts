/** Whether the lab server answers: `GET /api/health` must give 200 `{ "ok": true }` within a short wait. */

export type Health = { status: 'up' } | { status: 'down'; reason: string };

export const HEALTH_URL = '/api/health';
export const HEALTH_TIMEOUT_MS = 2500;

type Fetch = (url: string, init: { signal: AbortSignal; cache: RequestCache }) => Promise<Response>;

function isHealthy(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { ok?: unknown }).ok === true;
}

/**
 * Asks the lab server whether it is there. Anything but a 200 `{ "ok": true }`
 * within `timeoutMs` counts as down, with what the request got in a few words
 * ("no answer within 2.5 s", "a 404 answer"); a static server's index page
 * answered with 200 is down too: it is not the lab.
 */
export async function checkHealth(
  fetchImpl: Fetch = (url, init) => fetch(url, init),
  timeoutMs: number = HEALTH_TIMEOUT_MS,
  url: string = HEALTH_URL,
): Promise<Health> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetchImpl(url, { signal: abort.signal, cache: 'no-store' });
    if (response.status !== 200) return { status: 'down', reason: `a ${response.status} answer` };
    const body: unknown = await response.json().catch(() => null);
    return isHealthy(body)
      ? { status: 'up' }
      : { status: 'down', reason: 'a 200 answer without {"ok":true}' };
  } catch (error) {
    if (abort.signal.aborted)
      return { status: 'down', reason: `no answer within ${timeoutMs / 1000} s` };
    return {
      status: 'down',
      reason: `a network error (${error instanceof Error ? error.message : String(error)})`,
    };
  } finally {
    clearTimeout(timer);
  }
}
