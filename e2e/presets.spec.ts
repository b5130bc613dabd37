import { expect, test, type Page } from '@playwright/test';
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

/** The channel's schedule as the server has it now. */
async function scheduleOf(page: Page, ch: string) {
  const response = await page.request.get(`/api/channels/${ch}/schedule`);
  return (await response.json()) as { id: string; from: string; playing: boolean; owner: string };
}

test('presets one after another each run their own server messages, with no 409', async ({
  page,
}) => {
  const ch = channel('sequence');
  const refused: string[] = [];
  page.on('response', (response) => {
    if (response.url().includes('/schedule') && response.status() >= 400)
      refused.push(`${response.status()} ${response.request().method()} ${response.url()}`);
  });
  await page.goto(`/?channel=${ch}&preset=sports-scores`);
  await expect(page.getByTestId('inbox-bob')).toContainText('scores #', { timeout: 10_000 });
  let previous = await scheduleOf(page, ch);
  expect(previous).toMatchObject({ from: 'scores', playing: true });

  for (const [title, from, technique] of [
    ['Stock ticker', 'ticker', 'Server-Sent Events'],
    ['Long-running job progress', 'job', 'Server-Sent Events'],
    ['Social feed', 'feed', 'Server-Sent Events'],
  ] as const) {
    // A link loads a new page: the old one never sent a DELETE, and must not be in the way.
    await page.getByRole('link', { name: title }).click();
    await expect(page).toHaveURL(new RegExp(`channel=${ch}`));
    await expect(page.getByRole('tab', { name: technique })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expect(page.getByTestId('inbox-bob')).toContainText(`${from} #`, { timeout: 15_000 });
    const now = await scheduleOf(page, ch);
    expect(now).toMatchObject({ from, playing: true });
    expect(now.id).not.toBe(previous.id);
    expect(now.owner).not.toBe(previous.owner);
    // Nothing of the preset before leaks in: its schedule ended with its page.
    await expect(page.getByTestId('inbox-bob')).not.toContainText(`${previous.from} #`);
    previous = now;
  }

  // Stop, then Start at once: the new run's POST waits for the DELETE and is not refused.
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByRole('button', { name: 'Stop' })).toBeEnabled();
  await expect.poll(async () => (await scheduleOf(page, ch)).id).not.toBe(previous.id);
  expect(await scheduleOf(page, ch)).toMatchObject({ from: 'feed', playing: true });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect.poll(async () => (await scheduleOf(page, ch)).playing).toBe(false);
  expect(refused).toEqual([]);
});

test('n from a WebSocket link runs the next preset over its own technique', async ({ page }) => {
  const ch = channel('next');
  await page.goto(`/?channel=${ch}&technique=websocket&wsHeartbeatMs=2000`);
  await expect(page.getByRole('tab', { name: 'WebSocket' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('n');
  await expect(page).toHaveURL(/preset=notifications/);
  await expect(page.getByRole('tab', { name: 'Long polling' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(page.getByTestId('preset-why')).toContainText('Long polling');
  // Nothing of the page before is kept but its channel.
  const url = new URL(page.url());
  expect(url.searchParams.get('channel')).toBe(ch);
  expect(url.searchParams.get('technique')).toBe('long-poll');
  expect(url.searchParams.get('wsHeartbeatMs')).toBeNull();
  await expect(page.getByRole('button', { name: 'Stop' })).toBeEnabled();
  await page.keyboard.press('s');
  await expect(page.getByRole('button', { name: 'Start' })).toBeEnabled();
});
