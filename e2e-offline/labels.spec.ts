import { expect, test, type Page } from '@playwright/test';

/**
 * The offline build (`dist-offline/`, the config's baseURL, under a sub-path as a course site
 * would host it): what the page says where the server is simulated.
 */

const BANNER = 'Offline: the server is simulated in this tab — traffic never leaves the browser';

/** Opens the offline build on a screen, the tour kept closed. */
async function openOffline(page: Page, query = ''): Promise<void> {
  await page.goto(`./?tour=0${query}`);
  await expect(page.getByTestId('offline-banner')).toHaveText(BANNER);
}

test('the playground says its server is simulated: banner, server lane, bytes, and no figure it cannot measure', async ({
  page,
}) => {
  await openOffline(page);
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await page.getByRole('tab', { name: 'Short polling' }).click();
  await page.getByRole('button', { name: 'Start', exact: true }).click();

  const diagram = page.getByRole('img', { name: /^Sequence diagram/ });
  await expect(diagram).toHaveAttribute('aria-label', /Server \(simulated\)/);
  await expect(page.locator('[data-lane="server-1"]')).toContainText('Server (simulated)');

  const inUse = page.getByTestId('counter-http-in-use');
  await expect(inUse).toContainText('needs the lab server');
  await expect(inUse).not.toHaveAttribute('data-value');
  await expect(page.getByTestId('counter-requests')).not.toHaveAttribute('data-value', '0');
  await expect(page.getByTestId('clock-offset')).toContainText('needs the lab server');
  await expect(page.getByTestId('bytes-source')).toContainText("simulated server's count");

  const serverBytes = page.locator('.event-log__row--server .event-log__bytes', { hasText: /\d/ });
  await expect(serverBytes.first()).toContainText('sim.');
  await expect(serverBytes.first()).toHaveAttribute('title', /simulated/);

  await page.getByRole('button', { name: 'Stop', exact: true }).click();
});

test('the banner stays in presenter mode', async ({ page }) => {
  await openOffline(page, '&presenter=1');
  await expect(page.locator('html')).toHaveClass(/presenter/);
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  await expect(page.getByTestId('offline-banner')).toHaveText(BANNER);
});

test('the lessons and the Scaling lab say they need the lab server instead of running', async ({
  page,
}) => {
  await openOffline(page, '&view=lessons');
  const budget = page.getByRole('region', { name: 'Connection budget lesson' });
  await expect(budget).toContainText('needs the lab server');
  await expect(budget.getByRole('button', { name: 'Open a stream' })).toHaveCount(0);
  const storm = page.getByRole('region', { name: 'Reconnection storm lesson' });
  await expect(storm).toContainText('needs the lab server');
  await expect(storm.getByRole('button', { name: 'Run the storm' })).toHaveCount(0);

  await page.getByRole('tab', { name: 'Scaling lab' }).click();
  const scale = page.getByTestId('scale-view');
  await expect(scale).toContainText('needs the lab server');
  await expect(scale.getByRole('button', { name: /topology/ })).toHaveCount(0);

  await page.getByRole('tab', { name: 'Compare all four' }).click();
  await expect(page.getByRole('region', { name: 'Connection budget' })).toContainText(
    'needs the lab server',
  );
});
