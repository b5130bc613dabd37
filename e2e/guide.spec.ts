import { expect, test, type Locator, type Page } from '@playwright/test';

/**
 * The decision guide (`/?view=guide`): four questions, one at a time, then a
 * recommendation with a link to the matching preset. The mapping is the one
 * spelled out in src/core/guide.test.ts.
 */

function guide(page: Page): Locator {
  return page.getByRole('region', { name: 'Decision guide' });
}

async function open(page: Page): Promise<Locator> {
  await page.goto('/?view=guide');
  const root = guide(page);
  await expect(root.getByText('Question 1 of 4')).toBeVisible();
  return root;
}

/** Picks the options (by label) of one question and presses Next. */
async function answer(root: Locator, legend: string, labels: string[]) {
  const question = root.getByRole('group', { name: legend });
  for (const label of labels) await question.getByLabel(label, { exact: true }).check();
  await root.getByRole('button', { name: 'Next' }).click();
}

test('a busy chat across servers gets WebSocket and the chat preset', async ({ page }) => {
  const root = await open(page);
  await expect(root.getByRole('button', { name: 'Back' })).toBeDisabled();
  await expect(root.getByRole('button', { name: 'Next' })).toBeDisabled();

  await answer(root, 'Which way does the data flow?', ['Both ways']);
  await expect(root.getByText('Question 2 of 4')).toBeVisible();
  await answer(root, 'How often do messages arrive?', ['Constantly — several a second or more']);
  await answer(root, 'At what scale?', ['Many users across several servers']);
  await expect(root.getByText('Question 4 of 4')).toBeVisible();
  await answer(root, 'What must it also cope with?', [
    'Networks that block WebSockets',
    'Users who are offline when a message is sent',
  ]);

  await expect(root.getByRole('heading', { name: 'Recommended: WebSocket' })).toBeVisible();
  await expect(root.getByTestId('guide-reasons')).toContainText('pub/sub across servers');
  const cover = root.getByTestId('guide-also-cover').getByRole('listitem');
  await expect(cover).toHaveCount(6);
  await expect(cover.nth(0)).toContainText('Delivery across servers');
  await expect(cover.nth(1)).toContainText('sticky sessions');
  await expect(cover.nth(4)).toContainText('Fallback when WebSockets are blocked');
  await expect(cover.nth(5)).toContainText('Offline users');
  await expect(root.getByTestId('guide-mistakes').getByRole('listitem')).toHaveCount(4);

  const link = root.getByRole('link', { name: 'Open the Chat preset' });
  await expect(link).toHaveAttribute('href', '?preset=chat');
  await link.click();
  // The preset opens and runs (the page then writes the whole set-up into the address).
  await expect(page).toHaveURL(/[?&]preset=chat(&|$)/);
  await expect(page.getByRole('tab', { name: 'WebSocket' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
  await page.getByRole('button', { name: 'Stop' }).click();
});

test('one-way updates every few seconds at scale get SSE and the sports scores preset', async ({
  page,
}) => {
  const root = await open(page);
  await answer(root, 'Which way does the data flow?', ['Server to client only']);
  await answer(root, 'How often do messages arrive?', ['Regularly — every few seconds']);
  await answer(root, 'At what scale?', ['Many users across several servers']);
  await answer(root, 'What must it also cope with?', []);

  await expect(
    root.getByRole('heading', { name: 'Recommended: Server-Sent Events' }),
  ).toBeVisible();
  await expect(root.getByTestId('guide-reasons')).toContainText('Last-Event-ID');
  await expect(root.getByTestId('guide-also-cover')).not.toContainText('sticky');
  await expect(
    root.getByRole('link', { name: 'Open the Live sports scores preset' }),
  ).toHaveAttribute('href', '?preset=sports-scores');
});

test('Back keeps every answer, and a changed answer changes the result', async ({ page }) => {
  const root = await open(page);
  await answer(root, 'Which way does the data flow?', ['Server to client only']);
  await answer(root, 'How often do messages arrive?', ['Rarely — minutes apart or more']);
  await answer(root, 'At what scale?', ['A prototype or small tool on one server']);
  await answer(root, 'What must it also cope with?', ['Connections that drop often']);
  await expect(root.getByRole('heading', { name: 'Recommended: Long polling' })).toBeVisible();
  await expect(
    root.getByRole('link', { name: 'Open the Notifications ("3 new emails") preset' }),
  ).toHaveAttribute('href', '?preset=notifications');

  // Back from the result, all the way to the first question: every choice is still made.
  await root.getByRole('button', { name: 'Back' }).click();
  await expect(root.getByText('Question 4 of 4')).toBeVisible();
  await expect(root.getByLabel('Connections that drop often', { exact: true })).toBeChecked();
  await expect(
    root.getByLabel('Networks that block WebSockets', { exact: true }),
  ).not.toBeChecked();
  await root.getByRole('button', { name: 'Back' }).click();
  await expect(
    root.getByLabel('A prototype or small tool on one server', { exact: true }),
  ).toBeChecked();
  await root.getByRole('button', { name: 'Back' }).click();
  await expect(root.getByLabel('Rarely — minutes apart or more', { exact: true })).toBeChecked();
  await expect(root.getByRole('button', { name: 'Next' })).toBeEnabled();
  await root.getByRole('button', { name: 'Back' }).click();
  await expect(root.getByText('Question 1 of 4')).toBeVisible();
  await expect(root.getByLabel('Server to client only', { exact: true })).toBeChecked();

  // Change only the scale; the rest is carried forward untouched.
  await root.getByRole('button', { name: 'Next' }).click();
  await root.getByRole('button', { name: 'Next' }).click();
  await answer(root, 'At what scale?', ['Many users across several servers']);
  await expect(root.getByLabel('Connections that drop often', { exact: true })).toBeChecked();
  await root.getByRole('button', { name: 'Next' }).click();
  await expect(
    root.getByRole('heading', { name: 'Recommended: Server-Sent Events' }),
  ).toBeVisible();
  await expect(root.getByRole('link', { name: 'Open the Social feed preset' })).toHaveAttribute(
    'href',
    '?preset=social-feed',
  );
});

test.describe('visual', () => {
  test.use({ viewport: { width: 1280, height: 900 } });

  test('the result screen', async ({ page }) => {
    const root = await open(page);
    await answer(root, 'Which way does the data flow?', ['Both ways']);
    await answer(root, 'How often do messages arrive?', ['Constantly — several a second or more']);
    await answer(root, 'At what scale?', ['Many users across several servers']);
    await answer(root, 'What must it also cope with?', ['Networks that block WebSockets']);
    await expect(root.getByRole('heading', { name: 'Recommended: WebSocket' })).toBeVisible();
    // The heading takes focus on arrival; blur it so the focus ring is not in the picture.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await expect(page.getByTestId('decision-guide')).toHaveScreenshot('guide-result.png');
  });
});
