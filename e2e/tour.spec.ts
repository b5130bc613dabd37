import { expect, test, type Page } from '@playwright/test';
import { boxOf, boxesOverlap, openLab } from './helpers';

/**
 * The first-run tour, as a newcomer meets it. Every other spec starts with the
 * tour remembered as done (playwright.config.ts); these start with nothing
 * remembered.
 */
test.use({ storageState: { cookies: [], origins: [] } });

const tour = (page: Page) => page.getByRole('dialog', { name: /^Tour/ });

test('the tour opens on a first visit, steps through real elements, and Skip is remembered', async ({
  page,
}) => {
  await openLab(page, 'tour-first');
  await expect(tour(page)).toHaveAccessibleName('Tour, step 1 of 4: Lanes: who talks to whom');
  // The keyboard starts on Next; the page under the tour takes no clicks.
  await expect(tour(page).getByRole('button', { name: 'Next' })).toBeFocused();
  await expect(page.locator('#root')).toHaveAttribute('inert', '');

  // Each step rings the element it is about.
  const ring = page.locator('.tour__ring');
  const steps: Array<[string, ReturnType<Page['locator']>]> = [
    ['Lanes: who talks to whom', page.getByRole('img', { name: /^Sequence diagram/ })],
    ['Arrows and bars', page.getByRole('list', { name: 'Legend' })],
    ['Counters: measured, not modelled', page.getByRole('region', { name: 'Counters' })],
    ['What to try first', page.getByTestId('try-this')],
  ];
  for (const [i, [title, anchor]] of steps.entries()) {
    await expect(tour(page).getByRole('heading')).toHaveText(title);
    await expect(tour(page)).toContainText(`Step ${i + 1} of 4`);
    const around = await boxOf(ring);
    const target = await boxOf(anchor);
    expect(around.x).toBeLessThanOrEqual(target.x);
    expect(around.y).toBeLessThanOrEqual(target.y);
    expect(around.x + around.width).toBeGreaterThanOrEqual(target.x + target.width);
    // The dialog sits beside what it points at, not on it.
    expect(boxesOverlap(await boxOf(tour(page)), target)).toBe(false);
    if (i < steps.length - 1) await page.keyboard.press('Enter');
  }
  await tour(page).getByRole('button', { name: 'Back' }).click();
  await expect(tour(page).getByRole('heading')).toHaveText('Counters: measured, not modelled');

  await tour(page).getByRole('button', { name: 'Skip tour' }).click();
  await expect(tour(page)).toHaveCount(0);
  await expect(page.locator('#root')).not.toHaveAttribute('inert', '');
  expect(await page.evaluate(() => localStorage.getItem('realtime-lab:tour'))).toBe('done');
  await page.reload();
  await expect(page.getByRole('tablist', { name: 'Technique' })).toBeVisible();
  await expect(tour(page)).toHaveCount(0);
});

test('Esc skips the tour; the header’s Tour button brings it back, from any screen', async ({
  page,
}) => {
  await openLab(page, 'tour-esc');
  await expect(tour(page)).toBeVisible();
  // Shortcuts wait while the tour has the keyboard.
  await page.keyboard.press('s');
  await page.keyboard.press('Escape');
  await expect(tour(page)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Start' })).toBeEnabled();
  await page.reload();
  await expect(page.getByRole('tablist', { name: 'Technique' })).toBeVisible();
  await expect(tour(page)).toHaveCount(0);

  await page.getByRole('tab', { name: 'Compare all four' }).click();
  await page.getByRole('button', { name: 'Tour' }).click();
  await expect(tour(page)).toHaveAccessibleName(/^Tour, step 1 of 4/);
  await expect(page.getByRole('tab', { name: 'Playground' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  // Tab stays in the dialog.
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    expect(await tour(page).evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  for (let i = 0; i < 3; i++) await tour(page).getByRole('button', { name: 'Next' }).click();
  await tour(page).getByRole('button', { name: 'Done' }).click();
  await expect(tour(page)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Tour' })).toBeFocused();
});

test('tour=0 in the address keeps it closed on a first visit, and on a phone it is a sheet at the bottom', async ({
  page,
}) => {
  await page.goto('/?tour=0');
  await expect(page.getByRole('tablist', { name: 'Technique' })).toBeVisible();
  await expect(tour(page)).toHaveCount(0);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('button', { name: 'Tour' }).click();
  const sheet = await boxOf(tour(page));
  expect(sheet.y + sheet.height).toBeLessThanOrEqual(844);
  expect(sheet.y + sheet.height).toBeGreaterThan(820);
  expect(sheet.width).toBeGreaterThan(360);
  const lanes = await boxOf(page.getByRole('img', { name: /^Sequence diagram/ }));
  expect(lanes.y, 'the ringed diagram is scrolled into view above the sheet').toBeLessThan(sheet.y);
});
