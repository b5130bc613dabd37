import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { fixture, loadRecording, openLab } from './helpers';

const position = (page: Page) => page.getByTestId('replay-position');

test('a recording loads, plays, steps and scrubs', async ({ page }) => {
  await openLab(page, 'replay');
  await loadRecording(page, 'sse');
  const total = JSON.parse(readFileSync(fixture('sse'), 'utf8')).events.length as number;
  await expect(position(page)).toContainText(`of ${total} events`);
  await expect(page.getByText('Replaying a recording')).toBeVisible();

  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(position(page)).toContainText(/ · [1-9]\d* of /);
  const afterStep = Number(await position(page).getAttribute('data-value'));

  await page.getByLabel('Speed').selectOption('4');
  await page.getByRole('button', { name: 'Play' }).click();
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible({ timeout: 15_000 });
  await expect(position(page)).toContainText(`${total} of ${total} events`);
  expect(Number(await position(page).getAttribute('data-value'))).toBeGreaterThan(afterStep);
  await expect(
    page.getByRole('img', { name: /^Sequence diagram/ }).locator('[data-kind="sse-event"]'),
  ).toHaveCount(2);

  const slider = page.getByRole('slider', { name: 'Replay position' });
  await slider.focus();
  await slider.press('Home');
  await expect(position(page)).toHaveAttribute('data-value', '0');
  await expect(
    page.getByRole('img', { name: /^Sequence diagram/ }).locator('[data-kind="sse-event"]'),
  ).toHaveCount(0);

  await page.getByRole('button', { name: 'Back to live' }).click();
  await expect(page.getByText('Replaying a recording')).toHaveCount(0);
});

test('a file that is not a trace is refused with a reason', async ({ page }) => {
  await openLab(page, 'replay-bad');
  await page.getByLabel('Trace file').setInputFiles({
    name: 'notes.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"format":"other"}'),
  });
  await expect(page.getByRole('alert')).toHaveText(/notes.json: not a Realtime Lab trace/);
});

test('the live trace exports as a file that loads back', async ({ page }) => {
  await openLab(page, 'export');
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByRole('textbox', { name: 'Message' }).fill('keep me');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('inbox-bob')).toContainText('keep me');
  await page.getByRole('button', { name: 'Stop' }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export trace' }).click();
  const path = await (await download).path();
  const file = JSON.parse(readFileSync(path, 'utf8'));
  expect(file).toMatchObject({ format: 'realtime-lab-trace', version: 1, network: 'live' });
  expect(file.events.some((e: { kind: string }) => e.kind === 'deliver')).toBe(true);
  await page.getByLabel('Trace file').setInputFiles(path);
  await expect(page.getByTestId('replay-position')).toContainText(
    `of ${file.events.length} events`,
  );
});
