import { expect, test } from '@playwright/test';
import { counter, counterValue, expectCounter, openLab, send, setKnob } from './helpers';

const TECHNIQUES = ['Short polling', 'Long polling', 'Server-Sent Events', 'WebSocket'] as const;

for (const technique of TECHNIQUES) {
  test(`${technique}: Bob receives Alice's message and the counters move`, async ({ page }) => {
    await openLab(page, technique.toLowerCase().replace(/\W+/g, '-'));
    await page.getByRole('tab', { name: technique }).click();
    await expect(page.getByRole('tab', { name: technique })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    if (technique === 'Short polling') await setKnob(page, /Poll interval/, '300');
    await page.getByRole('button', { name: 'Start' }).click();
    await expectCounter(page, 'requests', (v) => v >= 1);
    await send(page, `hello from ${technique}`);
    await expect(page.getByTestId('inbox-bob')).toContainText(`hello from ${technique}`);
    await expectCounter(page, 'delivered', (v) => v === 1);
    await expectCounter(page, 'bytes-down', (v) => v > 0);
    await expectCounter(page, 'bytes-up', (v) => v > 0);
    await expectCounter(page, 'latency-p50', (v) => v > 0 && v < 5000);
    // The message's own JSON is part of the bytes per message, never of the overhead.
    await expectCounter(page, 'overhead-per-message', (v) => v > 0);
    expect(await counterValue(page, 'bytes-per-message')).toBeGreaterThan(
      await counterValue(page, 'overhead-per-message'),
    );
    await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('');
    await page.getByRole('button', { name: 'Stop' }).click();
    await expectCounter(page, 'open-connections', (v) => v === 0, 'everything closes on Stop');
  });
}

test('short polling piles up empty responses while nothing happens', async ({ page }) => {
  await openLab(page, 'idle-poll');
  await setKnob(page, /Poll interval/, '200');
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'empty', (v) => v >= 5);
  const requests = await counterValue(page, 'requests');
  const empty = await counterValue(page, 'empty');
  expect(empty).toBeLessThanOrEqual(requests);
  await expectCounter(
    page,
    'wasted-share',
    (v) => v > 0.9,
    'with no message sent, every poll answer is wasted',
  );
  expect(await counterValue(page, 'delivered')).toBe(0);
  await expect(page.locator('svg[role="img"] [data-variant="wasted"]').first()).toBeVisible();
});

test('long polling holds one request per receiver while idle', async ({ page }) => {
  await openLab(page, 'held');
  await page.getByRole('tab', { name: 'Long polling' }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 1);
  await page.waitForTimeout(1000);
  expect(await counterValue(page, 'open-connections')).toBe(1);
  // The held poll is one of the six connections the browser allows this host.
  expect(await counterValue(page, 'http-in-use')).toBe(1);
  expect(await counterValue(page, 'empty')).toBe(0);
  const bar = page.locator('svg[role="img"] [data-kind="hold"][data-open="true"]');
  await expect(bar).toHaveCount(1);
  await expect(bar.locator('.seq-bar-label')).toContainText('times out in');
  await send(page, 'release it');
  await expect(page.getByTestId('inbox-bob')).toContainText('release it');
  await expectCounter(page, 'open-connections', (v) => v === 1, 'a new poll is held again at once');
});

test('Server-Sent Events keeps one open stream per receiver', async ({ page }) => {
  await openLab(page, 'sse');
  await page.getByRole('tab', { name: 'Server-Sent Events' }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 1);
  await send(page, 'one');
  await send(page, 'two');
  await expect(page.getByTestId('inbox-bob')).toContainText('two');
  expect(await counterValue(page, 'open-connections')).toBe(1);
  await expect(page.locator('svg[role="img"] [data-kind="sse-event"]')).toHaveCount(2);
  await expect(page.locator('svg[role="img"] [data-kind="sse-open"]').first()).toBeVisible();
});

test('WebSocket: one socket per participant, frames both ways', async ({ page }) => {
  await openLab(page, 'ws');
  await page.getByRole('tab', { name: 'WebSocket' }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  // Alice publishes on her own socket and Bob receives on his.
  await expectCounter(page, 'open-connections', (v) => v === 2);
  expect(await counterValue(page, 'http-in-use'), 'WebSockets are not in the budget').toBe(0);
  await send(page, 'over the socket');
  await expect(page.getByTestId('inbox-bob')).toContainText('over the socket');
  const log = page.getByTestId('event-log');
  await expect(log.locator('[data-kind="ws-frame"][data-dir="up"]').first()).toBeAttached();
  await expect(log.locator('[data-kind="ws-frame"][data-dir="down"]').first()).toBeAttached();
  expect(await counterValue(page, 'requests')).toBe(2);
  await expect(page.locator('svg[role="img"] [data-kind="ws-open"]').first()).toBeVisible();
});

test('an added receiver gets the messages too', async ({ page }) => {
  await openLab(page, 'carol');
  await page.getByRole('tab', { name: 'Server-Sent Events' }).click();
  await page.getByRole('button', { name: 'Add receiver' }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 2);
  await send(page, 'for everyone');
  await expect(page.getByTestId('inbox-carol')).toContainText('for everyone');
  await expect(page.getByTestId('inbox-bob')).toContainText('for everyone');
  await expectCounter(page, 'delivered', (v) => v === 2);
  await page.getByRole('button', { name: 'Remove Carol' }).click();
  await expect(page.getByTestId('receiver-carol')).toHaveCount(0);
  await expectCounter(page, 'open-connections', (v) => v === 1);
});

test('bad input gets a clear message', async ({ page }) => {
  await openLab(page, 'bad');
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('notice')).toHaveText(/empty message is not sent/);
  await setKnob(page, /Poll interval/, '5');
  await expect(page.getByRole('alert').filter({ hasText: 'Poll interval' })).toHaveText(
    'Poll interval must be between 100 and 60000 ms',
  );
  await expect(page.getByRole('spinbutton', { name: /Poll interval/ })).toHaveAttribute(
    'aria-invalid',
    'true',
  );
  await setKnob(page, /Poll interval/, '1000');
  await expect(page.getByRole('spinbutton', { name: /Poll interval/ })).toHaveAttribute(
    'aria-invalid',
    'false',
  );
  await expect(counter(page, 'requests')).toBeVisible();
});

test('a technique switch starts fresh counters', async ({ page }) => {
  await openLab(page, 'switch');
  await setKnob(page, /Poll interval/, '200');
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'empty', (v) => v >= 5);
  await expectCounter(page, 'wasted-share', (v) => v > 0.9, 'idle short polling wastes its polls');
  const log = page.getByTestId('event-log');
  const shortPollSteps = Number(await log.getAttribute('data-count'));

  await page.getByRole('tab', { name: 'Long polling' }).click();
  // Long polling's own run: Bob's held poll, none of short polling's wasted answers.
  await expectCounter(page, 'open-connections', (v) => v === 1);
  expect(await counterValue(page, 'requests')).toBe(1);
  expect(await counterValue(page, 'empty')).toBe(0);
  expect(await counterValue(page, 'wasted-share')).toBe(0);
  await expect(page.getByTestId('counters-run')).toContainText('since the switch to Long polling');
  // The trace keeps short polling's steps: the diagram and the log still show them.
  expect(Number(await log.getAttribute('data-count'))).toBeGreaterThan(shortPollSteps);

  // Theory: the long-poll model, measured on long-poll data only.
  await send(page, 'after the switch');
  await expect(page.getByTestId('inbox-bob')).toContainText('after the switch');
  await expectCounter(page, 'delivered', (v) => v === 1);
  const theory = page.getByTestId('theory');
  await expect(theory.getByRole('rowheader', { name: /^Share of polls/ })).toHaveCount(0);
  const held = theory
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: 'Held requests per receiver' }) });
  await expect(held).toHaveAttribute('data-verdict', 'agrees');
  // One request per delivered message: the held poll, answered; its follow-up is not counted yet.
  const perMessage = theory
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: /^Requests per delivered message/ }) });
  const measured = Number(
    await perMessage.getByTestId('theory-measured').getAttribute('data-value'),
  );
  expect(measured).toBeLessThanOrEqual(2);
});

test('receiving cost and sending cost are shown apart', async ({ page }) => {
  await openLab(page, 'costs');
  await page.getByRole('tab', { name: 'Server-Sent Events' }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 1);
  await send(page, 'what does it cost');
  await expect(page.getByTestId('inbox-bob')).toContainText('what does it cost');
  await expectCounter(page, 'delivered', (v) => v === 1);
  await expect(page.getByTestId('bytes-source')).toHaveAttribute('data-source', 'server');
  // Alice's POST and its 201 are hers: several hundred bytes, counted apart from Bob's stream.
  await expectCounter(page, 'send-per-message', (v) => v > 500);
  const receiving = await counterValue(page, 'receive-per-message');
  const sending = await counterValue(page, 'send-per-message');
  const all = await counterValue(page, 'bytes-per-message');
  expect(receiving).toBeGreaterThan(0);
  // One message, one receiver: the old figure is the two added together.
  expect(Math.abs(all - (receiving + sending))).toBeLessThan(1);
  expect(await counterValue(page, 'receive-overhead-per-message')).toBeLessThan(receiving);
});
