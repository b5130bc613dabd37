import { expect, test, type Page } from '@playwright/test';
import { expectCounter, send, setKnob } from '../e2e/helpers';
import { baseURL } from '../playwright.offline.config';

/** The instructor's tools and the half-open fault on the offline build, with no lab server. */

const diagram = (page: Page) => page.getByRole('img', { name: /^Sequence diagram/ });
const channel = (label: string) => `off-${label}-${Date.now().toString(36)}`;

test('offline, the stock-ticker preset delivers the simulated server’s ticks', async ({ page }) => {
  await page.goto(`./?channel=${channel('ticks')}&preset=stock-ticker`);
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Server-Sent Events' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expectCounter(page, 'delivered', (v) => v >= 4, 'ticks reached both receivers');
  await expectCounter(page, 'latency-p50', (v) => v >= 0);
  await page.getByRole('button', { name: 'Stop' }).click();
});

test('offline, a shared link opens the offline build with the same set-up', async ({
  page,
  context,
}) => {
  await page.goto(`./?channel=${channel('share')}`);
  await page.getByRole('tab', { name: 'Server-Sent Events' }).click();
  await setKnob(page, /SSE retry/, '1500');
  await page.getByRole('button', { name: 'Add receiver' }).click();
  await page.getByRole('button', { name: 'Share link' }).click();
  const link = await page.getByRole('textbox', { name: 'Link to this set-up' }).inputValue();
  // A link to the site it was made on, under its sub-path.
  expect(link.startsWith(baseURL)).toBe(true);
  expect(link).toMatch(/technique=sse/);
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByTestId('offline-banner')).toBeVisible();
  await expect(other.getByRole('tab', { name: 'Server-Sent Events' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(other.getByRole('spinbutton', { name: /SSE retry/ })).toHaveValue('1500');
  await expect(other.getByTestId('receiver-carol')).toBeVisible();
});

test('offline, a half-open WebSocket is noticed by the page’s own watchdog and resumed', async ({
  page,
}) => {
  await page.goto(`./?channel=${channel('silent')}`);
  await page.getByRole('tab', { name: 'WebSocket' }).click();
  await page.getByRole('button', { name: 'Demo heartbeats (2 s)' }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 2);
  await send(page, 'before the silence');
  await expect(page.getByTestId('inbox-bob')).toContainText('before the silence');
  await page.getByRole('button', { name: 'Go silent (half-open)' }).click();
  await expect(
    diagram(page).locator('[data-kind="fault"]').filter({ hasText: 'went silent' }),
  ).toHaveCount(1);
  // 2.5 heartbeats of 2 s without a frame: each page notices and reconnects from its last id.
  await expectCounter(page, 'reconnects', (v) => v >= 2, 'both sockets noticed', 15_000);
  await expectCounter(page, 'open-connections', (v) => v === 2, 'both sockets are back', 10_000);
  await send(page, 'after the silence');
  await expect(page.getByTestId('inbox-bob')).toContainText('after the silence');
  await expectCounter(page, 'delivered', (v) => v === 2);
});

test('offline, the guide and presenter mode work without a server', async ({ page }) => {
  await page.goto('./?view=guide');
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
  await page.goto(`./?channel=${channel('present')}`);
  await page.getByRole('button', { name: 'Start' }).click();
  await send(page, 'on the big screen');
  await page.getByRole('button', { name: 'Presenter mode' }).click();
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  await expect(
    diagram(page).locator('[data-kind="response"]').first(),
    'the simulated server’s answers are drawn in presenter mode',
  ).toBeAttached();
});
