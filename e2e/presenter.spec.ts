import { expect, test } from '@playwright/test';
import { expectCounter, openLab } from './helpers';

test.use({ viewport: { width: 1280, height: 720 } });

test('presenter mode names the technique and runs without shortcuts: Start, Send, Stop and a technique switch', async ({
  page,
}) => {
  await openLab(page, 'presenter');
  await page.getByRole('button', { name: 'Presenter mode' }).click();
  const controls = page.getByRole('group', { name: 'Presenter controls' });
  const name = page.getByTestId('presenter-technique');
  await expect(name).toHaveText('Short polling');
  // The name is large enough for the back of a room.
  expect(
    await name.evaluate((el) => parseFloat(getComputedStyle(el).fontSize)),
  ).toBeGreaterThanOrEqual(30);
  // One set of controls on screen: the playground's own are hidden.
  await expect(page.getByRole('button', { name: 'Start' })).toHaveCount(1);
  await expect(page.getByRole('tablist', { name: 'Technique' })).toHaveCount(1);

  await controls.getByRole('tab', { name: 'WebSocket' }).click();
  await expect(name).toHaveText('WebSocket');
  await controls.getByRole('button', { name: 'Start' }).click();
  await expect(controls.getByRole('status')).toHaveText('running');
  await expectCounter(page, 'open-connections', (v) => v === 2);
  await controls.getByRole('button', { name: 'Send' }).click();
  await expectCounter(page, 'delivered', (v) => v === 1);
  // Switching while running starts the new technique.
  await controls.getByRole('tab', { name: 'Server-Sent Events' }).click();
  await expect(name).toHaveText('Server-Sent Events');
  await expect(controls.getByRole('status')).toHaveText('running');
  await controls.getByRole('button', { name: 'Send' }).click();
  // The switch began a new run: its counters start afresh.
  await expectCounter(page, 'delivered', (v) => v === 1);
  await controls.getByRole('button', { name: 'Stop' }).click();
  await expect(controls.getByRole('status')).toHaveText('stopped');
  await expect(controls.getByRole('button', { name: 'Send' })).toBeDisabled();
});

test('keys 1–4 switch technique, in presenter mode and out of it, and ? lists them', async ({
  page,
}) => {
  await openLab(page, 'presenter-keys');
  const tab = (label: string) =>
    page.getByRole('tablist', { name: 'Technique' }).getByRole('tab', { name: label });
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('3');
  await expect(tab('Server-Sent Events')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('f');
  const name = page.getByTestId('presenter-technique');
  await expect(name).toHaveText('Server-Sent Events');
  for (const [key, label] of [
    ['2', 'Long polling'],
    ['4', 'WebSocket'],
    ['1', 'Short polling'],
  ] as const) {
    await page.keyboard.press(key);
    await expect(name).toHaveText(label);
    await expect(tab(label)).toHaveAttribute('aria-selected', 'true');
  }
  await page.keyboard.press('?');
  const list = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(list).toContainText('Technique: Server-Sent Events');
  await page.keyboard.press('Escape');
  await expect(list).toHaveCount(0);
  // Typing a digit in a field is not a shortcut.
  await page.keyboard.press('f');
  await page.getByRole('textbox', { name: 'Message' }).fill('4');
  await expect(tab('Short polling')).toHaveAttribute('aria-selected', 'true');
});
