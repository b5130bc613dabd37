import { expect, test } from '@playwright/test';
import { openLab, replayToEnd } from './helpers';

/**
 * The Scaling lab's diagram on a synthetic trace (e2e/fixtures/scale-synthetic.json,
 * src/diagram/scale-synthetic.ts exported): one message from Alice through the
 * balancer, gateway 1, the broker and gateway 2 to Bob, a refused route and a
 * killed gateway's band. The same picture every run.
 */
test.use({ viewport: { width: 1280, height: 900 } });

test.describe('a synthetic Scaling lab trace', () => {
  test.beforeEach(async ({ page }) => {
    await openLab(page, 'visual-scale');
    await replayToEnd(page, 'scale-synthetic');
  });

  test('step per row: a lane per participant, the balancer, each gateway and the broker', async ({
    page,
  }) => {
    const diagram = page.locator('.sequence-diagram');
    await expect(diagram.locator('.seq-lane')).toHaveText([
      'Alice',
      'Bob',
      'Balancer',
      'Gateway 1',
      'Gateway 2',
      'Broker',
    ]);
    await expect(diagram).toHaveScreenshot('scale-synthetic.png');
  });

  test('the route to Bob’s gateway names its policy and gateway in the inspector', async ({
    page,
  }) => {
    const diagram = page.getByRole('img', {
      name: /^Sequence diagram: Alice, Bob, Balancer, Gateway 1, Gateway 2, Broker;/,
    });
    await diagram.locator('[data-kind="route"][data-conn="bob-sse-1"]').click();
    const inspector = page.getByTestId('inspector');
    await expect(inspector).toContainText('route · balancer');
    await expect(inspector).toContainText('sticky: bob → gateway-2');
  });

  test('time to scale, the whole run fitted', async ({ page }) => {
    await page.getByRole('button', { name: 'Fit run' }).click();
    await expect(page.locator('.sequence-diagram')).toHaveScreenshot('scale-synthetic-fit-run.png');
  });
});
