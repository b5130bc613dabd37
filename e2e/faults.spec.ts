import { expect, test, type Page } from '@playwright/test';
import { expectCounter, openLab, send, setKnob } from './helpers';

/** Faults act on the whole server: every test lifts what it set, whatever happens. */
test.afterEach(async ({ request }) => {
  await request.post('/api/faults', {
    data: { blockWebSockets: false, latencyMs: { up: 0, down: 0 } },
  });
});

const diagram = (page: Page) => page.getByRole('img', { name: /^Sequence diagram/ });

async function quickBackoff(page: Page) {
  await setKnob(page, /Backoff base/, '200');
  await setKnob(page, /Backoff cap/, '1000');
}

test('a dropped SSE stream comes back and misses nothing', async ({ page }) => {
  await openLab(page, 'fault-drop');
  await page.getByRole('tab', { name: 'Server-Sent Events' }).click();
  await setKnob(page, /SSE retry/, '300');
  await page.getByRole('button', { name: 'Start' }).click();
  await send(page, 'before the drop');
  await expect(page.getByTestId('inbox-bob')).toContainText('before the drop');
  await page.getByRole('button', { name: 'Drop connections' }).click();
  await expect(diagram(page).locator('[data-kind="fault"]')).toContainText(/dropped/);
  await expect(diagram(page).locator('[data-kind="reconnect"]').first()).toBeAttached();
  await send(page, 'after the drop');
  await expect(page.getByTestId('inbox-bob')).toContainText('after the drop');
  await expectCounter(page, 'delivered', (v) => v === 2);
});

test('blocked WebSockets: the client backs off, drawn wait by wait, and returns when unblocked', async ({
  page,
}) => {
  await openLab(page, 'fault-block');
  await page.getByRole('tab', { name: 'WebSocket' }).click();
  await quickBackoff(page);
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 2);
  await page.getByRole('button', { name: 'Block WebSockets' }).click();
  await expect(page.getByRole('button', { name: 'Allow WebSockets' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await page.getByRole('button', { name: 'Drop connections' }).click();
  // Refused upgrades: several waits in a row, each traced with its delay.
  const waits = diagram(page).locator('[data-kind="reconnect-wait"]');
  await expect.poll(() => waits.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
  await expect(
    diagram(page).locator('[data-kind="fault"]').filter({ hasText: 'blocked' }),
  ).toHaveCount(1);
  await page.getByRole('button', { name: 'Allow WebSockets' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 2, 'both sockets are back');
  await send(page, 'after the block');
  await expect(page.getByTestId('inbox-bob')).toContainText('after the block');
  await expectCounter(page, 'reconnects', (v) => v >= 2);
});

test('a restart: long polls are refused, back off, and resume with nothing lost', async ({
  page,
}) => {
  await openLab(page, 'fault-restart');
  await page.getByRole('tab', { name: 'Long polling' }).click();
  await quickBackoff(page);
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 1);
  await setKnob(page, /Down for/, '1500');
  await page.getByRole('button', { name: 'Reboot server' }).click();
  await expect(diagram(page).locator('[data-kind="fault"]')).toContainText(/restart/);
  await expect(
    page.getByTestId('event-log').locator('[data-kind="reconnect-wait"]').first(),
  ).toBeAttached();
  await expectCounter(page, 'open-connections', (v) => v === 1, 'held again after the restart');
  await send(page, 'after the restart');
  await expect(page.getByTestId('inbox-bob')).toContainText('after the restart');
  await expectCounter(page, 'delivered', (v) => v === 1);
});
