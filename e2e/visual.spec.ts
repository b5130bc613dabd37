import { expect, test } from '@playwright/test';
import { fixture, loadRecording, openLab, replayToEnd } from './helpers';

/**
 * Screenshots of recorded traces (e2e/fixtures, made by e2e/record-fixtures.ts),
 * replayed to their end: the same picture every run, on any machine with
 * Debian's Chromium and DejaVu fonts.
 */
test.use({ viewport: { width: 1280, height: 900 } });

for (const name of ['short-poll', 'long-poll', 'sse', 'websocket', 'sse-reconnect']) {
  test(`diagram of a recorded ${name} trace`, async ({ page }) => {
    await openLab(page, `visual-${name}`);
    await loadRecording(page, name);
    const slider = page.getByRole('slider', { name: 'Replay position' });
    await slider.focus();
    await slider.press('End');
    await expect(page.getByTestId('replay-position')).toContainText(/(\d+) of \1 events/);
    await expect(page.locator('.sequence-diagram')).toHaveScreenshot(`${name}.png`);
  });
}

test('inspector of a recorded WebSocket frame', async ({ page }) => {
  await openLab(page, 'visual-inspector');
  await loadRecording(page, 'websocket');
  const slider = page.getByRole('slider', { name: 'Replay position' });
  await slider.focus();
  await slider.press('End');
  await page
    .getByRole('img', { name: /^Sequence diagram/ })
    .locator('[data-kind="ws-frame"]')
    .first()
    .click();
  const inspector = page.getByTestId('inspector');
  await expect(inspector).toContainText('Frame header');
  await expect(inspector).toHaveScreenshot('inspector-ws-frame.png');
});

test('comparison view of a recorded compare run', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 1300 });
  await page.goto('/?view=compare');
  await page.getByLabel('Compare trace file').setInputFiles(fixture('compare'));
  await expect(page.getByTestId('compare-progress')).toHaveText('Showing a recording');
  await expect(page.getByTestId('compare-table')).toHaveScreenshot('compare-table.png');
  await expect(page.locator('.small-multiples')).toHaveScreenshot('compare-diagrams.png');
});

test('presenter mode on a recorded trace', async ({ page }) => {
  await openLab(page, 'visual-presenter');
  await loadRecording(page, 'websocket');
  const slider = page.getByRole('slider', { name: 'Replay position' });
  await slider.focus();
  await slider.press('End');
  await expect(page.getByTestId('replay-position')).toContainText(/(\d+) of \1 events/);
  await page.getByRole('button', { name: 'Presenter mode' }).click();
  await expect(page.getByRole('button', { name: 'Presenter mode' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(page.locator('.app__main')).toHaveScreenshot('presenter.png');
});

/**
 * A class demo at a real rate (three receivers, five messages a second, a
 * reboot halfway): the diagram in each of its forms.
 */
test.describe('a class demo', () => {
  test.beforeEach(async ({ page }) => {
    await openLab(page, 'visual-class-demo');
    await replayToEnd(page, 'class-demo');
  });

  test('step per row, following the end of the run', async ({ page }) => {
    await expect(page.locator('.sequence-diagram')).toHaveScreenshot('class-demo-rows.png');
  });

  test('step per row, receivers only, at the reboot', async ({ page }) => {
    await page.getByLabel('Receivers only').check();
    // The overview strip moves the window: to the reboot's band, two fifths down the run.
    const strip = (await page.getByTestId('run-overview').boundingBox())!;
    await page.mouse.click(strip.x + strip.width / 2, strip.y + strip.height * 0.47);
    await expect(page.getByRole('button', { name: 'Follow' })).toBeEnabled();
    await expect(page.locator('.sequence-diagram')).toHaveScreenshot('class-demo-receivers.png');
  });

  test('time to scale, the whole run fitted, the reboot named', async ({ page }) => {
    await page.getByRole('button', { name: 'Fit run' }).click();
    await expect(page.locator('.sequence-diagram')).toHaveScreenshot('class-demo-fit-run.png');
  });
});
