import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

const TECHNIQUES = ['short-poll', 'long-poll', 'sse', 'websocket'] as const;

async function openCompare(page: Page, label: string) {
  const channel = `e2e-${label}-${Date.now().toString(36)}`;
  await page.goto(`/?view=compare&channel=${channel}`);
  await expect(page.getByTestId('compare-view')).toBeVisible();
}

async function setField(page: Page, name: RegExp, value: string) {
  const box = page.getByRole('spinbutton', { name });
  await box.fill(value);
  await box.press('Enter');
}

function cell(page: Page, technique: string, key: string) {
  return page.getByTestId(`compare-${technique}-${key}`);
}

async function cellValue(page: Page, technique: string, key: string): Promise<number | null> {
  const raw = await cell(page, technique, key).getAttribute('data-value');
  return raw === null || raw === '' ? null : Number(raw);
}

async function downloadText(page: Page, button: string): Promise<string> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: button }).click();
  return readFileSync((await (await download).path())!, 'utf8');
}

test('compare mode runs all four techniques on one schedule and fills the table', async ({
  page,
}) => {
  test.setTimeout(60_000);
  await openCompare(page, 'compare');
  await setField(page, /Receivers/, '2');
  await setField(page, /Messages/, '30');
  await setField(page, /Rate/, '10');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  // The run stops by itself once every receiver of every technique has every message.
  await expect(page.getByTestId('compare-progress')).toHaveText('30 of 30 messages played', {
    timeout: 20_000,
  });
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible({ timeout: 10_000 });
  await expect(page.getByText(/Stopped before every receiver/)).toHaveCount(0);

  for (const technique of TECHNIQUES) {
    // Same schedule, same receivers: 30 messages × 2 receivers each, none twice.
    expect(await cellValue(page, technique, 'delivered'), technique).toBe(60);
    const bytes = (await cellValue(page, technique, 'bytesPerDelivery'))!;
    const overhead = (await cellValue(page, technique, 'overheadPerDelivery'))!;
    expect(overhead, technique).toBeGreaterThan(0);
    expect(bytes, technique).toBeGreaterThan(overhead);
    expect(await cellValue(page, technique, 'latencyP50'), technique).not.toBeNull();
    expect(await cellValue(page, technique, 'openConnections'), technique).toBe(0);
    expect(await cellValue(page, technique, 'reconnects'), technique).toBe(0);
  }
  // One connection per receiver for the streams; polls ask again and again.
  expect(await cellValue(page, 'sse', 'requests')).toBe(2);
  expect(await cellValue(page, 'websocket', 'requests')).toBe(2);
  expect((await cellValue(page, 'long-poll', 'requests'))!).toBeGreaterThanOrEqual(2);
  expect(await cellValue(page, 'short-poll', 'emptyShare')).not.toBeNull();
  expect(await cellValue(page, 'sse', 'emptyShare')).toBeNull();
  // The textbook claim, measured: a few bytes of WebSocket framing against HTTP headers on every poll.
  expect((await cellValue(page, 'websocket', 'overheadPerDelivery'))!).toBeLessThan(
    (await cellValue(page, 'long-poll', 'overheadPerDelivery'))! / 4,
  );

  // No HTTP technique shared a port, and none came near the browser's six.
  const rows = page.getByTestId('budget-row');
  await expect(rows).toHaveCount(3);
  const origins = new Set<string>();
  for (const row of await rows.all()) {
    origins.add((await row.getAttribute('data-origin'))!);
    expect(Number(await row.getAttribute('data-peak'))).toBeLessThanOrEqual(2);
  }
  expect(origins.size).toBe(3);

  // The four diagrams drew the run.
  for (const technique of TECHNIQUES) {
    const diagram = page.locator(`.small-multiple[data-technique="${technique}"]`);
    await expect(diagram.getByRole('img', { name: /^Sequence diagram/ })).toBeVisible();
    await expect(diagram.locator('[data-kind="deliver"]').first()).toBeAttached();
  }

  // Every message is the server's: each latency rests on the clock estimate, and one near its ±
  // is an upper bound, never "< 1 ms" and never negative.
  const clockText = await page.getByTestId('compare-clock').textContent();
  expect(clockText).toMatch(/± \d+\.\d ms/);
  for (const technique of TECHNIQUES) {
    for (const key of ['latencyP50', 'latencyP95', 'latencyMax']) {
      await expect(cell(page, technique, key)).toHaveText(/^(\d+ ms|≤ \d+ ms \(clock ±[\d.]+\))$/);
    }
  }

  const csv = await downloadText(page, 'Export CSV');
  const lines = csv.trimEnd().split('\r\n');
  expect(lines[0]).toMatch(/^technique,requests,empty_share,delivered,bytes_per_delivered,/);
  expect(lines[0]).toMatch(/,latency_clock,clock_uncertainty_ms$/);
  expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual([...TECHNIQUES]);
  expect(lines[3]!.split(',')[3]).toBe('60');
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    for (const latency of cells.slice(6, 9)) expect(latency).toMatch(/^(<=)?\d+(\.\d)?$/);
    expect(cells.at(-2)).toBe('server');
    expect(cells.at(-1)).toMatch(/^\d+(\.\d)?$/);
  }

  const markdown = await downloadText(page, 'Export Markdown');
  expect(markdown).toMatch(/^Realtime Lab compare run: 30 messages at 10\/s \(random, seed 1\)\./);
  expect(markdown).toContain('| Technique | Requests | Empty share |');
  expect(markdown).toMatch(/\| Server-Sent Events \| 2 \| — \| 60 \|/);
});

test('compare mode explains a bad setting and does not start with it', async ({ page }) => {
  await openCompare(page, 'compare-bad');
  await setField(page, /Receivers/, '9');
  const box = page.getByRole('spinbutton', { name: /Receivers/ });
  await expect(box).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('alert')).toContainText(/Receivers/);
  await expect(page.getByRole('alert')).toContainText(/4/);
});

test('the view switch leaves compare mode for the playground and back', async ({ page }) => {
  await openCompare(page, 'compare-switch');
  await page.getByRole('tab', { name: 'Playground' }).click();
  await expect(page.getByRole('tablist', { name: 'Technique' })).toBeVisible();
  expect(new URL(page.url()).searchParams.get('view')).toBeNull();
  await page.getByRole('tab', { name: 'Compare all four' }).click();
  await expect(page.getByTestId('compare-view')).toBeVisible();
  expect(new URL(page.url()).searchParams.get('view')).toBe('compare');
});
