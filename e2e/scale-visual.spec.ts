import { expect, test } from '@playwright/test';
import { loadRecording, openLab } from './helpers';

/**
 * The Scaling lab's diagram on a synthetic trace (e2e/fixtures/scale-synthetic.json,
 * src/diagram/scale-synthetic.ts exported): one message from Alice through the
 * balancer, gateway 1, the broker and gateway 2 to Bob, a refused route and a
 * killed gateway's band. The same picture every run.
 */
test.use({ viewport: { width: 1280, height: 900 } });

test('diagram of a synthetic Scaling lab trace', async ({ page }) => {
  await openLab(page, 'visual-scale');
  await loadRecording(page, 'scale-synthetic');
  const slider = page.getByRole('slider', { name: 'Replay position' });
  await slider.focus();
  await slider.press('End');
  await expect(page.getByTestId('replay-position')).toContainText(/(\d+) of \1 events/);
  await slider.blur();
  const diagram = page.locator('.sequence-diagram');
  for (const title of ['Alice', 'Bob', 'Balancer', 'Gateway 1', 'Gateway 2', 'Broker'])
    await expect(diagram.locator('.seq-lane', { hasText: title })).toHaveCount(1);
  await expect(diagram).toHaveScreenshot('scale-synthetic.png');
});
