import { expect, test } from '@playwright/test';
import { expectCounter, setKnob } from './helpers';

const PRESETS = [
  ['notifications', 'Long polling'],
  ['sports-scores', 'Server-Sent Events'],
  ['chat', 'WebSocket'],
  ['stock-ticker', 'Server-Sent Events'],
  ['multiplayer-game', 'WebSocket'],
  ['collaborative-editing', 'WebSocket'],
  ['social-feed', 'Server-Sent Events'],
  ['iot-sensors', 'WebSocket'],
  ['job-progress', 'Server-Sent Events'],
  ['presence', 'WebSocket'],
] as const;

const channel = (label: string) => `e2e-${label}-${Date.now().toString(36)}`;

for (const [id, technique] of PRESETS) {
  test(`the ${id} preset loads and runs with ${technique}`, async ({ page }) => {
    await page.goto(`/?channel=${channel(id)}&preset=${id}`);
    await expect(page.getByRole('tab', { name: technique })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
    await expect(page.getByTestId('preset-why')).toContainText(technique);
    await expect(
      page.getByRole('link', { name: /./ }).and(page.locator('[aria-current="true"]')),
    ).toHaveCount(1);
    await expectCounter(page, 'requests', (v) => v >= 1, 'the participants connected');
    await page.getByRole('button', { name: 'Stop' }).click();
  });
}

test('a preset whose server sends: the stock ticker delivers the server’s ticks', async ({
  page,
}) => {
  await page.goto(`/?channel=${channel('ticks')}&preset=stock-ticker`);
  await expectCounter(page, 'delivered', (v) => v >= 4, 'ticks reached both receivers');
  // Timed from the server's publish on the page's clock: a latency exists.
  await expectCounter(page, 'latency-p50', (v) => v >= 0);
  // The server's pace can be changed while it runs; the link keeps it.
  await setKnob(page, /Server sends/, '8');
  await expect(page).toHaveURL(/serverRate=8(&|$)/);
  await page.getByRole('button', { name: 'Stop' }).click();
});

test('a preset whose participants send: chat delivers Alice’s messages to every receiver', async ({
  page,
}) => {
  await page.goto(`/?channel=${channel('chat')}&preset=chat`);
  await expect(page.getByTestId('inbox-dave')).toContainText('auto #', { timeout: 10_000 });
  await page.getByRole('button', { name: 'Stop' }).click();
});

test('a shared link restores the set-up in a new page', async ({ page, context }) => {
  await page.goto(`/?channel=${channel('share')}`);
  await page.getByRole('tab', { name: 'Server-Sent Events' }).click();
  await setKnob(page, /SSE retry/, '1500');
  await page.getByRole('button', { name: 'Add receiver' }).click();
  await page.getByRole('button', { name: 'Share link' }).click();
  const link = await page.getByRole('textbox', { name: 'Link to this set-up' }).inputValue();
  expect(link).toMatch(/technique=sse/);
  expect(link).toMatch(/sseRetryMs=1500/);
  expect(link).toMatch(/receivers=2/);

  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByRole('tab', { name: 'Server-Sent Events' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(other.getByRole('spinbutton', { name: /SSE retry/ })).toHaveValue('1500');
  await expect(other.getByTestId('receiver-carol')).toBeVisible();
});

test('a bad link is explained and changes nothing', async ({ page }) => {
  await page.goto(`/?channel=${channel('bad')}&preset=rocket&pollIntervalMs=5`);
  await expect(page.getByTestId('notice')).toContainText('no known preset ("rocket")');
  await expect(page.getByTestId('notice')).toContainText('pollIntervalMs must be between 100');
  await expect(page.getByRole('tab', { name: 'Short polling' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible();
});
