import { expect, test } from '@playwright/test';
import { distURL } from '../playwright.offline.config';

const BANNER = 'Offline: the server is simulated in this tab — traffic never leaves the browser';

test('with no lab server, the normal build offers to run offline, keeping the link’s parameters', async ({
  page,
}) => {
  // The normal build (dist/) on a static server with no lab API behind it: http://127.0.0.1:8192/.
  await page.goto(`${distURL}?channel=abc`);
  const notice = page.getByRole('alertdialog', { name: 'The lab server does not answer' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('/api/health');
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);

  await notice.getByRole('button', { name: 'Run offline', exact: true }).click();

  await expect(page).toHaveURL(/[?&]offline=1(&|#|$)/);
  await expect(page).toHaveURL(/[?&]channel=abc(&|#|$)/);
  await expect(page.getByTestId('offline-banner')).toHaveText(BANNER);
  await expect(
    page.getByRole('alertdialog', { name: 'The lab server does not answer' }),
  ).toHaveCount(0);
});

test('back online, the page drops the worker an offline visit left, and the lab goes without it', async ({
  page,
}) => {
  await page.goto(`${distURL}?offline=1`);
  await expect(page.getByTestId('offline-banner')).toHaveText(BANNER);
  const workers = () =>
    page.evaluate(async () =>
      (await navigator.serviceWorker.getRegistrations()).map((r) => r.active?.scriptURL ?? ''),
    );
  expect((await workers()).some((url) => url.endsWith('/mockServiceWorker.js'))).toBe(true);
  await page.goto(distURL);
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);
  await expect.poll(workers).toEqual([]);
});
