import { expect, test } from '@playwright/test';
import { expectCounter, openLab } from './helpers';

test('keyboard shortcuts run the lab, and ? lists them', async ({ page }) => {
  await openLab(page, 'shortcuts');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('?');
  const overlay = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(overlay).toContainText('Start or stop the run');
  await expect(overlay).toContainText('Next preset');
  await page.keyboard.press('Escape');
  await expect(overlay).toHaveCount(0);

  await page.keyboard.press('s');
  await expect(page.getByRole('button', { name: 'Stop' })).toBeEnabled();
  await page.keyboard.press('m');
  await expect(page.getByTestId('inbox-bob')).toContainText('from the keyboard');
  await expectCounter(page, 'delivered', (v) => v === 1);
  await page.keyboard.press('f');
  await expect(page.getByRole('button', { name: 'Presenter mode' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(page.getByRole('region', { name: 'Knobs' })).toBeHidden();
  await page.keyboard.press('f');
  // Typing in a field is never taken for a shortcut.
  await page.getByRole('textbox', { name: 'Message' }).fill('s');
  await expect(page.getByRole('button', { name: 'Stop' })).toBeEnabled();
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('s');
  await expect(page.getByRole('button', { name: 'Start' })).toBeEnabled();
});
