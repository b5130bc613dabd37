import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

/**
 * Offline mode: the whole lab in a static page, msw playing the server inside
 * the browser (src/mocks/). It is asked for by the offline build
 * (`npm run build:offline`) or by a link's `offline=1`; it is on once the
 * simulation has started (main.tsx says so), never before.
 */

/** The query parameter that asks the normal build to run offline. */
export const OFFLINE_PARAM = 'offline';

/** Where the page's server is: the lab server, or the simulation in this tab (and what asked for it). */
export type NetworkMode = { status: 'live' } | { status: 'simulated'; via: 'build' | 'link' };

/** Whether this is the offline build (a vite mode that sets VITE_LAB_OFFLINE=1). */
export function offlineBuild(): boolean {
  return import.meta.env.VITE_LAB_OFFLINE === '1';
}

/** Whether a query string carries `offline=1`. */
export function linkAsksOffline(search: string): boolean {
  return new URLSearchParams(search).get(OFFLINE_PARAM) === '1';
}

/** Whether the page should run on the simulation: in the offline build, or when the link says `offline=1`. */
export function offlineRequested(search: string = globalThis.location?.search ?? ''): boolean {
  return offlineBuild() || linkAsksOffline(search);
}

/** The same address with `offline=1` added, every other parameter (and the hash) kept. */
export function withOfflineParam(href: string): string {
  const url = new URL(href);
  url.searchParams.set(OFFLINE_PARAM, '1');
  return url.href;
}

/** A query string (`?a=b`, or empty) with `offline=1` added, keeping what it had. */
export function addOfflineParam(query: string): string {
  const params = new URLSearchParams(query);
  params.set(OFFLINE_PARAM, '1');
  return `?${params.toString()}`;
}

const networkStore = createStore<NetworkMode>(() => ({ status: 'live' }));

/** Called once the simulation runs: from now on the page is offline. */
export function markOffline(via: 'build' | 'link'): void {
  networkStore.setState({ status: 'simulated', via }, true);
}

/** Whether the simulation is running in this tab. */
export function isOffline(): boolean {
  return networkStore.getState().status === 'simulated';
}

/** The same, for components: re-renders when it changes. */
export function useOffline(): boolean {
  return useStore(networkStore, (s) => s.status === 'simulated');
}

/**
 * A link made on this page, kept offline when the page went offline through
 * its link (`offline=1`): the address bar, the share link and the preset links
 * then open offline too. The offline build needs no parameter.
 */
export function keepOffline(query: string): string {
  const mode = networkStore.getState();
  return mode.status === 'simulated' && mode.via === 'link' ? addOfflineParam(query) : query;
}
