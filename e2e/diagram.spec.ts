import { expect, test } from '@playwright/test';
import { expectCounter, openLab, send } from './helpers';

const diagram = (page: import('@playwright/test').Page) =>
  page.getByRole('img', { name: /^Sequence diagram/ });

test('the diagram draws each technique’s steps as traffic flows', async ({ page }) => {
  await openLab(page, 'kinds');
  const kinds: Record<string, string[]> = {
    'Long polling': ['request', 'response', 'hold', 'deliver'],
    'Server-Sent Events': ['request', 'sse-open', 'sse-event', 'deliver'],
    WebSocket: ['request', 'ws-open', 'ws-frame', 'deliver'],
  };
  for (const [technique, expected] of Object.entries(kinds)) {
    await page.getByRole('tab', { name: technique }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await expectCounter(page, 'open-connections', (v) => v >= 1);
    await send(page, `drawn with ${technique}`);
    await expect(page.getByTestId('inbox-bob')).toContainText(`drawn with ${technique}`);
    for (const kind of expected) {
      await expect(
        diagram(page).locator(`[data-kind="${kind}"]`).first(),
        `${technique}: ${kind}`,
      ).toBeAttached();
    }
    await expect(diagram(page).locator('[data-kind][data-conn]').first()).toBeAttached();
    await page.getByRole('button', { name: 'Stop' }).click();
  }
  await expect(diagram(page).locator('[data-kind="close"]').first()).toBeAttached();
});

test('the inspector opens on click and from the keyboard', async ({ page }) => {
  await openLab(page, 'inspect');
  await page.getByRole('tab', { name: 'WebSocket' }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await send(page, 'inspect me');
  await expect(page.getByTestId('inbox-bob')).toContainText('inspect me');
  await page.getByRole('button', { name: 'Stop' }).click();

  const frame = diagram(page).locator('[data-kind="ws-frame"]').first();
  await frame.click();
  const inspector = page.getByTestId('inspector');
  await expect(inspector.getByRole('heading')).toContainText('ws-frame');
  await expect(inspector).toContainText('Frame header (RFC 6455 §5.2)');
  await expect(inspector).toContainText(/FIN 1 · RSV1-3 000 · opcode 1 \(text\)/);
  await inspector.getByRole('button', { name: 'Close inspector' }).click();
  await expect(inspector.getByRole('heading')).toHaveCount(0);

  await diagram(page).focus();
  await page.keyboard.press('ArrowDown');
  const focused = await diagram(page).getAttribute('data-focus-seq');
  expect(focused).not.toBeNull();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await expect(diagram(page)).toHaveAttribute('data-focus-seq', focused!);
  await page.keyboard.press('Enter');
  await expect(inspector).toHaveAttribute('data-seq', focused!);
  await expect(inspector.getByRole('heading')).toContainText('request');
});

test('the diagram zooms with the wheel, pans by dragging, and Follow brings it back', async ({
  page,
}) => {
  await openLab(page, 'zoom');
  await page.getByRole('button', { name: 'Start' }).click();
  const span = page.locator('.sequence-diagram__span');
  await expect(span).toContainText('showing 10000 ms');
  const box = (await diagram(page).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await expect(span).not.toContainText('showing 10000 ms');
  const zoomedIn = Number((await span.textContent())!.match(/showing (\d+) ms/)![1]);
  expect(zoomedIn).toBeLessThan(10_000);

  await expect(page.getByRole('button', { name: 'Follow' })).toBeDisabled();
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 + 120, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByRole('button', { name: 'Follow' })).toBeEnabled();
  await page.getByRole('button', { name: 'Follow' }).click();
  await expect(page.getByRole('button', { name: 'Follow' })).toBeDisabled();
  await page.getByRole('button', { name: 'Pause view' }).click();
  await expect(page.getByRole('button', { name: 'Follow' })).toBeEnabled();
});
