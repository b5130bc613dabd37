import { expect, test, type Page } from '@playwright/test';
import { baseURL, OFFLINE_BASE, offlineOrigin } from '../playwright.offline.config';

/**
 * The offline build as a static site (npm run build:offline → dist-offline/),
 * served under a sub-path by a plain static server: its page and every file it
 * loads resolve under that sub-path, and msw's worker is there beside it. What
 * the simulation does is for the other specs in this folder.
 */

/** The requests a page makes for its own files (not its API calls, which the simulation answers). */
const FILE_TYPES = new Set(['document', 'script', 'stylesheet', 'font', 'image', 'manifest']);

/** Records every file request of the page that failed or got a 4xx/5xx, and every file URL asked for. */
function watchFiles(page: Page): { failures: string[]; urls: string[] } {
  const failures: string[] = [];
  const urls: string[] = [];
  page.on('request', (request) => {
    if (FILE_TYPES.has(request.resourceType())) urls.push(request.url());
  });
  page.on('response', (response) => {
    if (FILE_TYPES.has(response.request().resourceType()) && response.status() >= 400) {
      failures.push(`${response.status()} ${response.url()}`);
    }
  });
  page.on('requestfailed', (request) => {
    if (FILE_TYPES.has(request.resourceType())) {
      failures.push(`${request.failure()?.errorText ?? 'failed'} ${request.url()}`);
    }
  });
  return { failures, urls };
}

test('the offline site loads under its sub-path with all its files', async ({ page }) => {
  const files = watchFiles(page);
  const response = await page.goto('./');
  expect(response?.status()).toBe(200);
  expect(page.url()).toBe(baseURL);
  expect(files.failures, "the page's files that did not load").toEqual([]);
  // The heading is drawn by the script (index.html has none): the entry ran, and by then it has
  // loaded the simulation's chunk too (the lab, or the notice that it could not start).
  await expect(page.getByRole('heading', { level: 1, name: 'Realtime Lab' })).toBeVisible();
  const scripts = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLScriptElement>('script[src]')].map((s) => s.src),
  );
  expect(scripts.length).toBeGreaterThan(0);
  expect(files.failures, "the page's files that did not load").toEqual([]);
  expect(
    files.urls.filter((url) => !url.startsWith(baseURL)),
    'files outside the sub-path',
  ).toEqual([]);
  expect(files.urls.some((url) => url.endsWith('.css'))).toBe(true);
});

test("msw's worker is served beside the page, as JavaScript", async ({ request }) => {
  const worker = await request.get('mockServiceWorker.js');
  expect(worker.url()).toBe(`${baseURL}mockServiceWorker.js`);
  expect(worker.status()).toBe(200);
  expect(worker.headers()['content-type']).toMatch(/^(text|application)\/javascript\b/);
  expect(await worker.text()).toContain('Mock Service Worker');
});

test('the static server is only that: / leads to the sub-path, /api is not found', async ({
  request,
}) => {
  const root = await request.get(`${offlineOrigin}/`, { maxRedirects: 0 });
  expect(root.status()).toBe(302);
  expect(root.headers()['location']).toBe(OFFLINE_BASE);
  expect((await request.get(`${offlineOrigin}/api/health`)).status()).toBe(404);
});
