/**
 * Offline mode's entry (loaded lazily, only when the page runs offline): msw's service worker
 * answers the page's fetch and EventSource requests, and msw's WebSocket interceptor stands in
 * for the page's global WebSocket — both with the simulated server of handlers.ts. It must
 * run before any transport opens a socket.
 */
import { setupWorker } from 'msw/browser';
import { simulatedServer } from './handlers';
import { SimLab } from './sim-lab';

let running: Promise<void> | null = null;

/** Starts the simulation once; the worker is registered from the site's own base path. */
export function startSimulation(): Promise<void> {
  running ??= (async () => {
    const lab = new SimLab();
    const worker = setupWorker(...simulatedServer(lab));
    const base = import.meta.env.BASE_URL;
    await worker.start({
      serviceWorker: { url: `${base}mockServiceWorker.js`, options: { scope: base } },
      onUnhandledRequest: 'bypass',
      quiet: true,
    });
  })();
  return running;
}
