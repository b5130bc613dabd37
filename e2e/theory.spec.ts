import { expect, test } from '@playwright/test';
import { expectCounter, openLab } from './helpers';

const theoryRow = (page: import('@playwright/test').Page, claim: string | RegExp) =>
  page
    .getByTestId('theory')
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: claim }) });

test('theory beside measurement: WebSocket framing and sockets agree with RFC 6455', async ({
  page,
}) => {
  await openLab(page, 'theory-ws');
  await page.getByRole('tab', { name: 'WebSocket' }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByRole('slider', { name: 'Auto-send rate' }).fill('10');
  await expectCounter(page, 'delivered', (v) => v >= 12);
  await page.getByRole('slider', { name: 'Auto-send rate' }).fill('0');
  const down = theoryRow(page, /server → browser/);
  await expect(down).toHaveAttribute('data-verdict', 'agrees');
  // Chat frames are a few dozen to a few hundred bytes: 2 or 4 bytes of header each.
  await expect(down.getByRole('cell').nth(1)).toHaveText(/^[234]\.\d\d B/);
  await expect(theoryRow(page, /browser → server \(masked/)).toHaveAttribute(
    'data-verdict',
    'agrees',
  );
  await expect(theoryRow(page, 'Open sockets per participant')).toHaveAttribute(
    'data-verdict',
    'agrees',
  );
});

test('theory beside measurement: long polling holds one request per receiver', async ({ page }) => {
  await openLab(page, 'theory-lp');
  await page.getByRole('tab', { name: 'Long polling' }).click();
  await page.getByRole('button', { name: 'Add receiver' }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 2);
  await expect(theoryRow(page, 'Held requests per receiver')).toHaveAttribute(
    'data-verdict',
    'agrees',
  );
  await expect(theoryRow(page, /Requests per delivered message/)).toHaveAttribute(
    'data-verdict',
    'collecting',
  );
});

test('the page estimates the server’s clock from several sync exchanges', async ({ page }) => {
  await openLab(page, 'clock');
  await page.getByRole('button', { name: 'Start' }).click();
  const note = page.getByTestId('clock-offset');
  await expect(note).toContainText('best of 5 sync exchanges');
  // Browser and server share this machine: their clocks agree to within a few ms.
  expect(Math.abs(Number(await note.getAttribute('data-value')))).toBeLessThan(50);
});

test('the scale panel projects the textbook figure: a million users polling every 2 s', async ({
  page,
}) => {
  await openLab(page, 'scale');
  const scale = page.getByTestId('scale');
  await scale.getByLabel('Users').selectOption('1000000');
  const requests = scale
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: 'requests / s' }) });
  await expect(requests.getByRole('cell').first()).toHaveText('500,000');
  await scale.getByLabel('Users').selectOption('1000');
  await expect(requests.getByRole('cell').first()).toHaveText('500');
});
