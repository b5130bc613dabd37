import { existsSync } from 'node:fs';
import { chromium, devices, type PlaywrightTestConfig } from '@playwright/test';
import { CHROMIUM_ARGS, systemChromium } from './chromium';

/**
 * What the two Playwright configs share: playwright.config.ts (e2e/, against
 * the lab server) and playwright.offline.config.ts (e2e-offline/, static sites
 * with no lab server). Same Chromium, same switches, same screen, same
 * remembered first visit.
 */

/**
 * Which Chromium the browser tests drive: `CHROMIUM_PATH` if set, else Debian's
 * `/usr/bin/chromium`, else the one `npx playwright install chromium` downloads.
 * When none exists we stop with a sentence saying how to get one.
 */
export function findChromium(): string | undefined {
  const system = systemChromium();
  if (system) return system;
  const bundled = chromium.executablePath();
  if (bundled && existsSync(bundled)) return undefined; // Playwright's own download: no override
  throw new Error(
    'No Chromium found for the browser tests. Install one: `apt-get install -y chromium fonts-dejavu-core` ' +
      '(Debian), or `npx playwright install chromium`, or point CHROMIUM_PATH at a Chromium binary.',
  );
}

/** The run's settings: one worker, no retries, the timeouts and screenshot tolerance. */
export const labRunSettings = {
  timeout: 30_000,
  expect: {
    timeout: 10_000,
    toHaveScreenshot: { animations: 'disabled', maxDiffPixels: 20 },
  },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
} satisfies PlaywrightTestConfig;

/**
 * What a test page starts with in localStorage, for each origin it opens: the
 * first-run tour remembered as done and the explanation over the diagram folded.
 */
export function labStorageState(origins: readonly string[]) {
  return {
    cookies: [],
    origins: origins.map((origin) => ({
      origin,
      localStorage: [
        { name: 'realtime-lab:tour', value: 'done' },
        { name: 'realtime-lab:explanation', value: 'hidden' },
      ],
    })),
  };
}

/** How Chromium is launched: the binary found above (none: Playwright's own) and CHROMIUM_ARGS. */
export function labLaunchOptions(executablePath: string | undefined = findChromium()) {
  return {
    ...(executablePath ? { executablePath } : {}),
    args: CHROMIUM_ARGS,
  };
}

/** The one project: Desktop Chrome at a laptop's 1440×900, the layout's main case. */
export const labProjects = [
  {
    name: 'chromium',
    use: {
      ...devices['Desktop Chrome'],
      channel: undefined,
      // A laptop, the layout's main case; specs about other screens set their own.
      viewport: { width: 1440, height: 900 },
    },
  },
] satisfies PlaywrightTestConfig['projects'];
