import { defineConfig } from '@playwright/test';
import {
  labLaunchOptions,
  labProjects,
  labRunSettings,
  labStorageState,
} from './scripts/playwright-shared';

/**
 * The browser tests in e2e-offline/: the lab with NO lab server. Two plain
 * static servers (scripts/static-serve.ts, where /api/… is a 404 like any
 * missing file) stand in for static hosts:
 *
 * - the offline build, `dist-offline/` (`npm run build:offline`), mounted under
 *   a sub-path (`OFFLINE_BASE`, as a course site would publish it) on
 *   `E2E_OFFLINE_PORT` (8191): `baseURL`, so `page.goto('./')` opens it;
 * - the normal build, `dist/` (`npm run build`), from `/` on
 *   `E2E_OFFLINE_DIST_PORT` (8192): `distURL`, the lab whose server does not answer.
 *
 * Both must be built first (`npm test` does). The settings shared with
 * playwright.config.ts are in scripts/playwright-shared.ts.
 */
const offlinePort = Number(process.env.E2E_OFFLINE_PORT ?? 8191);
const distPort = Number(process.env.E2E_OFFLINE_DIST_PORT ?? 8192);

/** The sub-path the offline site is served under. */
export const OFFLINE_BASE = '/course/lab/';
export const offlineOrigin = `http://127.0.0.1:${offlinePort}`;
/** The offline site: resolve against it with relative URLs (`./`, `mockServiceWorker.js`), never `/…`. */
export const baseURL = `${offlineOrigin}${OFFLINE_BASE}`;
/** The normal build on a static server: no lab server behind it. */
export const distURL = `http://127.0.0.1:${distPort}/`;

function staticServer(dir: string, port: number, base: string) {
  return {
    command: `node --import tsx scripts/static-serve.ts ${dir} --port ${port} --base ${base}`,
    url: `http://127.0.0.1:${port}${base}`,
    reuseExistingServer: false,
    timeout: 30_000,
  };
}

export default defineConfig({
  testDir: 'e2e-offline',
  outputDir: 'test-results/offline',
  ...labRunSettings,
  use: {
    baseURL,
    trace: 'retain-on-failure',
    // As in playwright.config.ts: the tour remembered as done and the explanation folded, on both
    // origins (localStorage belongs to an origin, not to a path).
    storageState: labStorageState([offlineOrigin, distURL.replace(/\/$/, '')]),
    launchOptions: labLaunchOptions(),
  },
  projects: labProjects,
  webServer: [
    staticServer('dist-offline', offlinePort, OFFLINE_BASE),
    staticServer('dist', distPort, '/'),
  ],
});
