import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';
import { chromium } from '@playwright/test';

/**
 * Which Chromium the browser tests drive: `CHROMIUM_PATH` if set, else Debian's
 * `/usr/bin/chromium`, else the one `npx playwright install chromium` downloads.
 * When none exists we stop with a sentence saying how to get one.
 */
function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  for (const path of candidates) if (path && existsSync(path)) return path;
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
    toHaveScreenshot: { animations: 'disabled', maxDiffPixelRatio: 0.002 },
  },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], channel: undefined } }],
  webServer: {
    command: `node --import tsx server/main.ts`,
    url: `${baseURL}/api/health`,
    env: { PORT: String(port), HOST: '127.0.0.1', LAB_LOG: 'warn' },
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
