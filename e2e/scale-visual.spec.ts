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

/**
 * A recorded Scaling lab run (e2e/fixtures/scale.json, made by e2e/record-fixtures.ts from the
 * screen against three real gateways): Alice's WebSocket message crosses to Bob's gateway
 * through the broker, Bob's gateway is killed, he comes back on the next one, and a second
 * message reaches him there.
 */
test.describe('a recorded Scaling lab run', () => {
  test.beforeEach(async ({ page }) => {
    await openLab(page, 'visual-scale-recorded');
    await replayToEnd(page, 'scale');
  });

  test('step per row: the crossing, the killed gateway and the reconnect', async ({ page }) => {
    const diagram = page.getByRole('img', {
      name: /^Sequence diagram: Alice, Bob, Carol, Balancer, Gateway 1, Gateway 2, Gateway 3, Broker;/,
    });
    await expect(diagram.locator('[data-kind="fault"]')).toContainText('killed');
    // Step per row, following the end: the second message, the kill and Bob's way back.
    await expect(page.locator('.sequence-diagram')).toHaveScreenshot('scale-recorded.png');
  });
});
