import { expect, test, type Page } from '@playwright/test';
import { replayToEnd, TOUR_SEEN } from './helpers';

/**
 * Screenshots of the layouts on recorded traces (e2e/fixtures), so they are
 * the same on every run: the tour's first step, presenter mode with its
 * controls, a 1280×720 projector and a 390×844 phone. A fixed channel keeps
 * the run controls' text the same too.
 */
test.use({ storageState: TOUR_SEEN });

const open = async (page: Page, label: string) => {
  // The server is shared by every spec: an earlier reboot would be told in the Faults panel for
  // minutes. These pictures show a server with no fault in force and none in its past.
  await page.route('**/api/faults', async (route) => {
    if (route.request().method() !== 'GET') return route.continue();
    await route.fulfill({
      json: {
        latencyMs: { up: 0, down: 0 },
        blockWebSockets: false,
        restartingUntil: null,
        lastRestart: null,
      },
    });
  });
  await page.goto(`/?channel=visual-${label}`);
  await expect(page.getByRole('tablist', { name: 'Technique' })).toBeVisible();
};

/** Loading a recording scrolls the player into view; the screenshots show each column from its top. */
const toTop = (page: Page) =>
  page.evaluate(() => {
    scrollTo(0, 0);
    for (const column of document.querySelectorAll('.app__main > *')) column.scrollTop = 0;
  });

test('the tour’s first step', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page, 'tour');
  await replayToEnd(page, 'short-poll');
  await toTop(page);
  await page.getByRole('button', { name: 'Tour' }).click();
  await expect(page.getByRole('dialog', { name: /^Tour, step 1 of 4/ })).toBeVisible();
  await expect(page).toHaveScreenshot('tour-first-step.png');
});

test('presenter mode with its controls', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await open(page, 'presenter');
  await page.getByRole('tab', { name: 'WebSocket' }).click();
  await replayToEnd(page, 'websocket');
  await page.getByRole('button', { name: 'Presenter mode' }).click();
  await expect(page.getByTestId('presenter-technique')).toHaveText('WebSocket');
  await page.getByRole('button', { name: 'Presenter mode' }).blur();
  await expect(page).toHaveScreenshot('presenter-controls.png');
});

test('the playground on a 1280×720 projector', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await open(page, 'projector');
  await page.getByRole('tab', { name: 'Long polling' }).click();
  await replayToEnd(page, 'long-poll');
  await toTop(page);
  await expect(page).toHaveScreenshot('layout-1280x720.png');
});

test('the playground on a 390×844 phone', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await open(page, 'phone');
  await page.getByRole('tab', { name: 'Server-Sent Events' }).click();
  await replayToEnd(page, 'sse');
  await toTop(page);
  await expect(page).toHaveScreenshot('layout-390x844.png');
});
