import { expect, test, type Page } from '@playwright/test';
import { expectCounter, openLab } from './helpers';

/**
 * A class can read the diagram at a real teaching rate: three receivers, five
 * messages a second, through a reboot, in both layouts. "Readable" is
 * measured: no two drawn labels' boxes (getBBox, mapped to the screen)
 * intersect anywhere in the visible part of the diagram.
 */
async function overlappingLabels(page: Page): Promise<string[]> {
  return page.getByRole('img', { name: /^Sequence diagram/ }).evaluate((svg) => {
    const frame = svg.getBoundingClientRect();
    const boxes: Array<{ text: string; x0: number; y0: number; x1: number; y1: number }> = [];
    for (const text of svg.querySelectorAll<SVGTextElement>('.seq-scroll text.seq-label')) {
      const box = text.getBBox();
      const matrix = text.getScreenCTM();
      if (!matrix || box.width === 0 || box.height === 0) continue;
      const a = new DOMPoint(box.x, box.y).matrixTransform(matrix);
      const b = new DOMPoint(box.x + box.width, box.y + box.height).matrixTransform(matrix);
      // Only what is in view (below the lane headers, inside the drawing).
      if (b.y < frame.top + 34 || a.y > frame.bottom || b.x < frame.left || a.x > frame.right)
        continue;
      boxes.push({ text: text.textContent ?? '', x0: a.x, y0: a.y, x1: b.x, y1: b.y });
    }
    const found: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const p = boxes[i]!;
        const q = boxes[j]!;
        // A shared edge is not an overlap; a tenth of a pixel is rounding.
        if (p.x0 < q.x1 - 0.1 && q.x0 < p.x1 - 0.1 && p.y0 < q.y1 - 0.1 && q.y0 < p.y1 - 0.1)
          found.push(`"${p.text}" over "${q.text}"`);
      }
    return found;
  });
}

/** Checks the diagram a few times over `ms`, in whichever layout it is in. */
async function readableFor(page: Page, ms: number, what: string) {
  const until = Date.now() + ms;
  let checks = 0;
  while (Date.now() < until || checks < 2) {
    expect(await overlappingLabels(page), `${what}, check ${checks + 1}`).toEqual([]);
    checks++;
    await page.waitForTimeout(400);
  }
}

for (const technique of ['Short polling', 'Long polling'] as const) {
  test(`${technique}: at 5 messages a second with three receivers, and through a reboot, no label covers another`, async ({
    page,
    request,
  }) => {
    test.setTimeout(60_000);
    await page.setViewportSize({ width: 1440, height: 900 });
    const channel = await openLab(page, 'legible');
    await page.goto(`/?channel=${channel}&receivers=3&rate=5`);
    await page.getByRole('tab', { name: technique }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await expectCounter(page, 'delivered', (v) => v >= 30);
    await readableFor(page, 2500, `${technique}, step per row`);
    await page.getByRole('button', { name: 'Time to scale' }).click();
    await readableFor(page, 2500, `${technique}, time to scale`);

    const reboot = await request.post('/api/faults', { data: { restart: { downForMs: 2500 } } });
    expect(reboot.ok()).toBe(true);
    await readableFor(page, 2500, `${technique}, time to scale, during the reboot`);
    await page.getByRole('button', { name: 'Step per row' }).click();
    await readableFor(page, 2500, `${technique}, step per row, after the reboot`);
    // The reboot's band is in the trace and its name is on screen in the time view. Fit run shows
    // the whole run to scale: a loaded machine takes long over the checks above, and a followed
    // window may have moved past the band by now.
    await page.getByRole('button', { name: 'Fit run' }).click();
    await expect(
      page.getByRole('img', { name: /^Sequence diagram/ }).locator('[data-kind="fault"] text'),
    ).not.toHaveCount(0);
    await page.getByRole('button', { name: 'Stop' }).click();
  });
}
