/** The file msw's worker is served as (public/mockServiceWorker.js). */
const WORKER_FILE = 'mockServiceWorker.js';

/**
 * A page that runs online drops the msw worker an earlier offline visit left registered on
 * this origin, so that no request of the real lab passes through a service worker (it would
 * only pass them on, but the browser's own timings and connections are the lesson). A tab
 * still offline keeps its worker until it closes, and registers it again when it reloads.
 * Resolves with how many registrations it dropped.
 */
export async function forgetSimulationWorker(
  container: Pick<ServiceWorkerContainer, 'getRegistrations'> | undefined = globalThis.navigator
    ?.serviceWorker,
): Promise<number> {
  if (!container) return 0;
  const registrations = await container.getRegistrations();
  const ours = registrations.filter((r) =>
    [r.active, r.waiting, r.installing].some((w) => w?.scriptURL.endsWith(`/${WORKER_FILE}`)),
  );
  await Promise.all(ours.map((r) => r.unregister()));
  return ours.length;
}
