import { defineConfig } from '@playwright/test';
import {
  labLaunchOptions,
  labProjects,
  labRunSettings,
  labStorageState,
} from './scripts/playwright-shared';

/**
 * The browser tests in e2e/, against the built app and a live lab server. The
 * offline build's tests (e2e-offline/, no lab server) have their own config,
 * playwright.offline.config.ts; what both share is in scripts/playwright-shared.ts.
 */
const port = Number(process.env.E2E_PORT ?? 8181);
export const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: 'e2e',
  ...labRunSettings,
  use: {
    baseURL,
    trace: 'retain-on-failure',
    // The first-run tour is remembered as done, so it never covers the page in a test, and the
    // explanation over the diagram is folded, so the diagram has the height (25 rows and more at
    // the laptop size of labProjects) that the specs counting steps in its window were written for.
    // e2e/tour.spec.ts starts with nothing remembered, e2e/layout*.spec.ts with the tour alone.
    storageState: labStorageState([baseURL]),
    launchOptions: labLaunchOptions(),
  },
  projects: labProjects,
  webServer: {
    command: `node --import tsx server/main.ts`,
    url: `${baseURL}/api/health`,
    env: { PORT: String(port), HOST: '127.0.0.1', LAB_LOG: 'warn' },
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
