import { existsSync } from 'node:fs';

/**
 * How the lab's browser tests, benchmark and recorder launch Chromium where no
 * browser can be downloaded: Debian's build, with the switches that keep it
 * from reaching for the network (README.md, "How browser tests find
 * Chromium").
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** `CHROMIUM_PATH`, else Debian's Chromium; undefined means "use Playwright's own download". */
export function systemChromium(): string | undefined {
  for (const path of [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
  ]) {
    if (path && existsSync(path)) return path;
  }
  return undefined;
}
