import { expect, test } from '@playwright/test';
import { expectCounter, openLab, send, setKnob } from './helpers';

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
  // The first step is where the run began; the next is the first request.
  await page.keyboard.press('ArrowDown');
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
  await page.getByRole('button', { name: 'Time to scale' }).click();
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

test('one row per step: rows scroll with the wheel, the overview moves the window, Fit run shows it all to scale', async ({
  page,
}) => {
  await openLab(page, 'rows');
  await expect(page.getByRole('button', { name: 'Step per row' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await setKnob(page, /Poll interval/, '200');
  await page.getByRole('button', { name: 'Start' }).click();
  // Short polling every 200 ms: ten rows a second.
  const span = page.locator('.sequence-diagram__span');
  const total = () => span.textContent().then((t) => Number(t!.match(/of (\d+)/)![1]));
  await expect.poll(total, { timeout: 20_000 }).toBeGreaterThan(30);
  const rows = diagram(page).locator('[data-kind="request"], [data-kind="response"]');
  // Each step on a row of its own: no two arrows at one height.
  const heights = await rows.evaluateAll((els) =>
    els.map((el) => Math.round(el.getBoundingClientRect().top)),
  );
  expect(new Set(heights).size).toBe(heights.length);

  const box = (await diagram(page).boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -5000);
  await expect(page.getByRole('button', { name: 'Follow' })).toBeEnabled();
  await expect(span).toContainText(/rows 1–/);

  // The overview strip: a click near its bottom brings the window to the newest rows.
  const overview = page.getByTestId('run-overview');
  const strip = (await overview.boundingBox())!;
  await page.mouse.click(strip.x + strip.width / 2, strip.y + strip.height - 4);
  await expect(span).not.toContainText(/rows 1–/);

  await page.getByRole('button', { name: 'Fit run' }).click();
  await expect(page.getByRole('button', { name: 'Time to scale' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  const window = page.getByTestId('run-overview-window');
  const shown = (await window.boundingBox())!;
  expect(shown.height).toBeGreaterThan(strip.height * 0.8);
  await page.getByRole('button', { name: 'Stop' }).click();
});
