import { expect, test } from '@playwright/test';

/**
 * The reconnection-storm lesson in the real browser: the server runs 200
 * clients reconnecting without and with jitter (two runs, ~15 s in all), and
 * the page draws both histograms and states both peaks.
 */
test('without jitter the storm peaks far higher than with jitter', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/?view=lessons');
  const lesson = page.getByRole('region', { name: 'Reconnection storm lesson' });
  await expect(lesson.getByRole('heading', { name: 'The reconnection storm' })).toBeVisible();

  const clients = lesson.getByRole('spinbutton', { name: 'Clients' });
  await clients.fill('150');
  await clients.press('Enter');
  await expect(clients).toHaveAttribute('aria-invalid', 'true');
  await expect(lesson.getByRole('alert')).toHaveText(
    'Clients must be a whole number from 200 to 1000.',
  );
  await expect(lesson.getByRole('button', { name: 'Run the storm' })).toBeDisabled();

  await clients.fill('200');
  await clients.press('Enter');
  await expect(clients).toHaveAttribute('aria-invalid', 'false');
  await lesson.getByRole('button', { name: 'Run the storm' }).click();
  await expect(lesson.getByRole('button', { name: 'Running…' })).toBeDisabled();

  const plain = lesson.getByTestId('storm-peak-nojitter');
  const jittered = lesson.getByTestId('storm-peak-jitter');
  await expect(plain).toBeVisible({ timeout: 75_000 });
  await expect(jittered).toBeVisible();
  await expect(lesson.getByRole('button', { name: 'Run the storm' })).toBeEnabled();
  await expect(plain).toContainText('Without jitter: at most');
  await expect(jittered).toContainText('With jitter: at most');

  const plainPeak = Number(await plain.getAttribute('data-value'));
  const jitterPeak = Number(await jittered.getAttribute('data-value'));
  expect(jitterPeak).toBeGreaterThan(0);
  expect(plainPeak).toBeLessThanOrEqual(200);
  expect(plainPeak, `peaks ${plainPeak} and ${jitterPeak}`).toBeGreaterThanOrEqual(2 * jitterPeak);

  const chart = lesson.getByRole('img', {
    name: 'Arrivals per 100 ms, without jitter and with jitter',
  });
  await expect(chart).toBeVisible();
  expect(await chart.locator('rect[data-series="nojitter"]').count()).toBeGreaterThan(0);
  expect(await chart.locator('rect[data-series="jitter"]').count()).toBeGreaterThan(0);
  await expect(chart.locator('[data-kind="peak"]')).toHaveCount(2);
  await expect(lesson.getByText('without jitter', { exact: true })).toBeVisible();
  await expect(lesson.getByText('with jitter', { exact: true })).toBeVisible();
});
