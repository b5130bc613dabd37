import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { fixture, loadRecording, openLab } from './helpers';

const technique = (page: Page, name: string) => page.getByRole('tab', { name, exact: true });

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

test('replay restores technique and participants', async ({ page }) => {
  await openLab(page, 'replay-setup');
  await page.getByRole('button', { name: 'Add receiver' }).click();
  await expect(page.getByTestId('receiver-carol')).toBeVisible();
  const ownUrl = page.url();

  // An older recording (no segment steps): long polling, Alice sending, Bob receiving.
  await loadRecording(page, 'long-poll');
  await expect(technique(page, 'Long polling')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('heading', { name: 'Long polling', exact: true })).toBeVisible();
  await expect(page.getByTestId('receiver-bob')).toBeVisible();
  await expect(page.getByTestId('receiver-carol')).toHaveCount(0);
  await expect(page.getByRole('spinbutton', { name: /Long-poll timeout/ })).toHaveValue('30000');
  const theory = page.getByTestId('theory');
  await expect(
    theory.getByRole('rowheader', { name: /^Requests per delivered message/ }),
  ).toBeVisible();
  await expect(theory.getByRole('rowheader', { name: /^Share of polls/ })).toHaveCount(0);
  // Start waits for the replay to end, and says why; the address keeps the page's own set-up.
  await expect(page.getByRole('button', { name: 'Start' })).toBeDisabled();
  await expect(page.getByTestId('start-blocked')).toHaveText(
    'A recording is playing: press Back to live to run live traffic.',
  );
  expect(page.url()).toBe(ownUrl);

  await page.getByRole('button', { name: 'Back to live' }).click();
  await expect(technique(page, 'Short polling')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('receiver-carol')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Start' })).toBeEnabled();
  await expect(page.getByTestId('start-blocked')).toHaveCount(0);
  expect(page.url()).toBe(ownUrl);
});

test('a recording with its set-up shows its receivers, knobs and preset', async ({ page }) => {
  await openLab(page, 'replay-segment');
  const file = JSON.parse(readFileSync(fixture('long-poll'), 'utf8'));
  const first = file.events[0];
  const segment = {
    ...first,
    t: first.t - 1,
    actor: 'alice',
    conn: 'segment-1',
    kind: 'segment',
    dir: 'none',
    bytes: undefined,
    details: {
      setup: {
        technique: 'long-poll',
        sender: 'alice',
        receivers: ['bob', 'carol'],
        knobs: { longPollTimeoutMs: 5000 },
        preset: 'notifications',
        serverSource: null,
        reason: 'start',
      },
    },
  };
  await page.getByLabel('Trace file').setInputFiles({
    name: 'with-setup.json',
    mimeType: 'application/json',
    buffer: Buffer.from(
      JSON.stringify({
        ...file,
        events: [segment, ...file.events].map((event, seq) => ({ ...event, seq })),
      }),
    ),
  });
  await expect(page.getByRole('group', { name: 'Replay controls' })).toBeVisible();
  await expect(technique(page, 'Long polling')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('receiver-carol')).toBeVisible();
  await expect(page.getByRole('spinbutton', { name: /Long-poll timeout/ })).toHaveValue('5000');
  await expect(page.getByTestId('preset-why')).toContainText('Long polling.');
});

test('the inspector says which byte count was on the wire', async ({ page }) => {
  await openLab(page, 'replay-bytes');
  await loadRecording(page, 'long-poll');
  const slider = page.getByRole('slider', { name: 'Replay position' });
  await slider.focus();
  await slider.press('End');
  await page
    .getByRole('img', { name: /^Sequence diagram/ })
    .locator('[data-kind="response"]')
    .first()
    .click();
  const inspector = page.getByTestId('inspector');
  await expect(inspector).toContainText('on the wire (server’s count)');
  await expect(inspector).toContainText('browser’s estimate');
  await expect(inspector).toContainText('a flat 300 B');
});
