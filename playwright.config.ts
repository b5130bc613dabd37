import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, systemChromium } from './scripts/chromium';

/**
 * Which Chromium the browser tests drive: `CHROMIUM_PATH` if set, else Debian's
 * `/usr/bin/chromium`, else the one `npx playwright install chromium` downloads.
 * When none exists we stop with a sentence saying how to get one.
 */
function findChromium(): string | undefined {
  const system = systemChromium();
  if (system) return system;
  const bundled = chromium.executablePath();
  if (bundled && existsSync(bundled)) return undefined; // Playwright's own download: no override
  throw new Error(
    'No Chromium found for the browser tests. Install one: `apt-get install -y chromium fonts-dejavu-core` ' +
      '(Debian), or `npx playwright install chromium`, or point CHROMIUM_PATH at a Chromium binary.',
  );
}

const executablePath = findChromium();
const port = Number(process.env.E2E_PORT ?? 8181);
export const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: 'e2e',
  timeout: 30_000,
  expect: {
    timeout: 10_000,
    toHaveScreenshot: { animations: 'disabled', maxDiffPixels: 20 },
  },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    // The first-run tour is remembered as done, so it never covers the page in a test, and the
    // explanation over the diagram is folded, so the diagram has the height (25 rows and more at
    // the laptop size below) that the specs counting steps in its window were written for.
    // e2e/tour.spec.ts starts with nothing remembered, e2e/layout*.spec.ts with the tour alone.
    storageState: {
      cookies: [],
      origins: [
        {
          origin: baseURL,
          localStorage: [
            { name: 'realtime-lab:tour', value: 'done' },
            { name: 'realtime-lab:explanation', value: 'hidden' },
          ],
        },
      ],
    },
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: CHROMIUM_ARGS,
    },
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        channel: undefined,
        // A laptop, the layout's main case; specs about other screens set their own.
        viewport: { width: 1440, height: 900 },
      },
    },
  ],
  webServer: {
    command: `node --import tsx server/main.ts`,
    url: `${baseURL}/api/health`,
    env: { PORT: String(port), HOST: '127.0.0.1', LAB_LOG: 'warn' },
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
