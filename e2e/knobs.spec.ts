import { expect, test, type Request } from '@playwright/test';
import { counterValue, expectCounter, openLab, setKnob } from './helpers';

test('a changed long-poll timeout reaches the held poll', async ({ page }) => {
  await openLab(page, 'timeout-knob');
  await page.getByRole('tab', { name: 'Long polling' }).click();
  const polls: Request[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/long-poll?')) polls.push(request);
  });
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 1);
  await expect.poll(() => polls.length).toBe(1);
  const held = new URL(polls[0]!.url());
  expect(held.searchParams.get('timeout')).toBe('30000');

  // The held poll was asked for 30 s; the new knob must not wait for it to run out.
  const answered = page.waitForResponse((r) => r.url().includes('timeout=1500'));
  await setKnob(page, /Long-poll timeout/, '1500');
  await expect.poll(() => polls.length).toBe(2);
  const resent = new URL(polls[1]!.url());
  expect(resent.searchParams.get('timeout')).toBe('1500');
  expect(resent.searchParams.get('since')).toBe(held.searchParams.get('since'));
  // The old poll was released on purpose: traced as a close that says why, not as a failure.
  await expect(
    page
      .getByTestId('event-log')
      .locator('[data-kind="close"]')
      .filter({ hasText: 'timeout changed to 1500 ms' })
      .first(),
  ).toBeAttached();
  expect(await counterValue(page, 'reconnects')).toBe(0);

  // The server holds the new poll for the new timeout: an empty answer after 1.5 s, not 30 s.
  const response = await answered;
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ messages: [] });
  const timing = response.request().timing();
  const heldFor = timing.responseStart - timing.requestStart;
  expect(heldFor).toBeGreaterThan(1_300);
  expect(heldFor).toBeLessThan(5_000);
  await expectCounter(page, 'empty', (v) => v >= 1, 'the new poll timed out empty');
  await expectCounter(page, 'open-connections', (v) => v === 1, 'the next poll is held again');
});
