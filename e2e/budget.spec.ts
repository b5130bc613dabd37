import { expect, test } from '@playwright/test';

/**
 * The connection-budget lesson in the real browser: six event streams to one
 * host and port open, the seventh stalls in Chromium's queue until one closes.
 */
test('the seventh stream waits for a free connection, and opens when one closes', async ({
  page,
}) => {
  await page.goto('/?view=lessons');
  const lesson = page.getByRole('region', { name: 'Connection budget lesson' });
  await expect(lesson.getByRole('heading', { name: 'The six-connection budget' })).toBeVisible();
  const streams = lesson.getByTestId('lesson-stream');
  const slots = lesson.getByTestId('lesson-slots');
  const open = lesson.getByRole('button', { name: 'Open a stream' });

  for (let i = 0; i < 7; i++) await open.click();
  await expect(streams).toHaveCount(7);
  await expect(lesson.locator('[data-testid="lesson-stream"][data-state="open"]')).toHaveCount(6);
  for (let i = 0; i < 6; i++) {
    await expect(streams.nth(i)).toHaveText(new RegExp(`^Stream ${i + 1} — open after \\d+ ms$`));
  }
  const seventh = streams.nth(6);
  await expect(seventh).toHaveAttribute('data-state', 'waiting');
  await expect(seventh).toContainText('Stream 7 — waiting: the browser has not sent it (6 of 6');
  await expect(slots).toHaveAttribute('data-value', '6');

  // The stall: nothing frees a connection, so the seventh request stays in the browser's queue.
  await page.waitForTimeout(1500);
  await expect(seventh).toHaveAttribute('data-state', 'waiting');
  await expect(slots).toHaveAttribute('data-value', '6');

  await lesson.getByRole('button', { name: 'Close a stream' }).click();
  await expect(streams.first()).toHaveAttribute('data-state', 'closed');
  await expect(seventh).toHaveAttribute('data-state', 'open', { timeout: 5_000 });
  await expect(seventh).toHaveText(/^Stream 7 — open after \d+ ms$/);
  await expect(slots).toHaveAttribute('data-value', '6');

  await lesson.getByRole('button', { name: 'Close all' }).click();
  await expect(slots).toHaveAttribute('data-value', '0');
  await expect(lesson.locator('[data-testid="lesson-stream"][data-state="closed"]')).toHaveCount(7);
});
