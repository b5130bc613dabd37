/**
 * Records the traces the visual tests render, from real traffic:
 *
 *   npm run build && PORT=8182 node --import tsx server/main.ts &   # a live server
 *   node --import tsx e2e/record-fixtures.ts http://127.0.0.1:8182
 *
 * (`tour=0` in each address keeps the first-run tour from covering the page.)
 *
 * Each scenario runs in Chromium against the live server and exports the trace
 * with the page's own "Export trace" button into e2e/fixtures/<name>.json.
 * Re-record when the trace format changes, then update the screenshots
 * (`npx playwright test e2e/visual.spec.ts --update-snapshots`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, systemChromium } from '../scripts/chromium';

const base = process.argv[2] ?? 'http://127.0.0.1:8182';
const out = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
mkdirSync(out, { recursive: true });

async function start(page: Page, technique: string, channel: string, pollInterval?: string) {
  await page.goto(`${base}/?channel=${channel}&tour=0`);
  await page.getByRole('tab', { name: technique }).click();
  if (pollInterval) {
    const box = page.getByRole('spinbutton', { name: /Poll interval/ });
    await box.fill(pollInterval);
    await box.press('Enter');
  }
  await page.getByRole('button', { name: 'Start' }).click();
}

async function send(page: Page, text: string) {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

async function exportTo(page: Page, name: string) {
  // A compare run stops by itself once every receiver has every message.
  const stop = page.getByRole('button', { name: 'Stop' });
  if (name === 'compare') await page.getByRole('button', { name: 'Start' }).waitFor();
  else if (name === 'scale') await page.getByRole('button', { name: 'Stop run' }).click();
  else await stop.click();
  await page.waitForTimeout(300);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export trace' }).click();
  const file = await download;
  const path = await file.path();
  const { readFileSync } = await import('node:fs');
  writeFileSync(join(out, `${name}.json`), readFileSync(path, 'utf8'));
  console.log(`recorded ${name}.json`);
}

const scenarios: Record<string, (page: Page, channel: string) => Promise<void>> = {
  'short-poll': async (page, channel) => {
    await start(page, 'Short polling', channel, '700');
    await page.waitForTimeout(1600);
    await send(page, 'hello Bob');
    await page.waitForTimeout(2000);
  },
  'long-poll': async (page, channel) => {
    await start(page, 'Long polling', channel);
    await page.waitForTimeout(1200);
    await send(page, 'hello Bob');
    await page.waitForTimeout(1200);
    await send(page, 'second');
    await page.waitForTimeout(1500);
  },
  sse: async (page, channel) => {
    await start(page, 'Server-Sent Events', channel);
    await page.waitForTimeout(1000);
    await send(page, 'hello Bob');
    await page.waitForTimeout(800);
    await send(page, 'second');
    await page.waitForTimeout(1500);
  },
  websocket: async (page, channel) => {
    await start(page, 'WebSocket', channel);
    await page.waitForTimeout(1000);
    await send(page, 'hello Bob');
    await page.waitForTimeout(800);
    await send(page, 'second');
    await page.waitForTimeout(1500);
  },
  'sse-reconnect': async (page, channel) => {
    const retry = page.getByRole('spinbutton', { name: /SSE retry/ });
    await page.goto(`${base}/?channel=${channel}&tour=0`);
    await page.getByRole('tab', { name: 'Server-Sent Events' }).click();
    await retry.fill('1000');
    await retry.press('Enter');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.waitForTimeout(1000);
    await send(page, 'before the drop');
    await page.waitForTimeout(800);
    await page.request.post(`${base}/api/faults`, { data: { drop: true } });
    await page.waitForTimeout(2500);
    await send(page, 'after the reconnect');
    await page.waitForTimeout(1200);
  },
  // A class demo at a real rate: three receivers, five messages a second, and a reboot halfway.
  'class-demo': async (page, channel) => {
    await page.goto(`${base}/?channel=${channel}&receivers=3&rate=5`);
    await page.getByRole('button', { name: 'Start' }).click();
    await page.waitForTimeout(4000);
    await page.request.post(`${base}/api/faults`, { data: { restart: { downForMs: 2000 } } });
    await page.waitForTimeout(4500);
  },
  // The Scaling lab: three gateways, a WebSocket message crossing from Alice's gateway to Bob's
  // through the broker, Bob's gateway killed, and a message after it on the gateway he lands on.
  scale: async (page) => {
    await page.request.delete(`${base}/api/scale`);
    await page.goto(`${base}/?view=scale&tour=0`);
    await page.getByRole('button', { name: 'Start topology' }).click();
    await page.getByRole('list', { name: 'Gateways' }).getByRole('listitem').nth(2).waitFor();
    await page.getByRole('tab', { name: 'WebSocket' }).click();
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForTimeout(1500);
    await page.getByRole('textbox', { name: 'Message' }).fill('hello across');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.waitForTimeout(1500);
    const bobOn = page.getByTestId('registry-row').and(page.locator('[data-user="bob"]'));
    const gateway = await bobOn.getAttribute('data-gateway');
    await page.getByRole('button', { name: `Kill ${gateway ?? 'gateway-3'}` }).click();
    await page.waitForTimeout(3000);
    await page.getByRole('textbox', { name: 'Message' }).fill('after the crash');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.waitForTimeout(1500);
  },
  compare: async (page, channel) => {
    await page.goto(`${base}/?channel=${channel}&tour=0`);
    const interval = page.getByRole('spinbutton', { name: /Poll interval/ });
    await interval.fill('1000');
    await interval.press('Enter');
    await page.getByRole('tab', { name: 'Compare all four' }).click();
    for (const [field, value] of [
      [/Messages/, '12'],
      [/Rate/, '4'],
    ] as const) {
      const box = page.getByRole('spinbutton', { name: field });
      await box.fill(value);
      await box.press('Enter');
    }
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'Stop' }).waitFor();
  },
};

const executablePath = systemChromium();
const browser = await chromium.launch({
  ...(executablePath ? { executablePath } : {}),
  args: CHROMIUM_ARGS,
});
try {
  // `record-fixtures.ts <base> compare` records just the named scenarios.
  const only = process.argv.slice(3);
  for (const [name, run] of Object.entries(scenarios)) {
    if (only.length > 0 && !only.includes(name)) continue;
    const context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    await run(page, `fixture-${name}-${Date.now().toString(36)}`);
    await exportTo(page, name);
    if (name === 'scale') await page.request.delete(`${base}/api/scale`);
    await context.close();
  }
} finally {
  await browser.close();
}
