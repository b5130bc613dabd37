import { expect, test, type Locator, type Page } from '@playwright/test';
import {
  boxesOverlap,
  boxOf,
  fixture,
  insideViewport,
  openLab,
  replayToEnd,
  TOUR_SEEN,
} from './helpers';

/**
 * The three screens the lab is laid out for, measured: a laptop (1440×900),
 * a projector (1280×720) and a phone (390×844).
 */
test.use({ storageState: TOUR_SEEN });

const diagram = (page: Page) => page.getByRole('img', { name: /^Sequence diagram/ });

async function expectInView(page: Page, what: string, locator: Locator) {
  const viewport = page.viewportSize()!;
  const box = await boxOf(locator);
  expect(
    insideViewport(box, viewport),
    `${what} ${JSON.stringify(box)} within ${JSON.stringify(viewport)}`,
  ).toBe(true);
}

test.describe('a laptop, 1440×900', () => {
  test.use({ viewport: { width: 1440, height: 900 } });

  test('the diagram, the counters, the run controls and the Faults panel are all in view without scrolling', async ({
    page,
  }) => {
    await openLab(page, 'layout-laptop');
    const check = async () => {
      await expectInView(page, 'the diagram', diagram(page));
      await expectInView(page, 'the counters', page.getByRole('region', { name: 'Counters' }));
      await expectInView(page, 'Start', page.getByRole('button', { name: 'Start' }));
      await expectInView(page, 'Stop', page.getByRole('button', { name: 'Stop' }));
      await expectInView(page, 'the Faults panel', page.getByRole('region', { name: 'Faults' }));
      await expectInView(page, 'the explanation', page.getByTestId('explanation'));
      expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(
        900,
      );
    };
    await check();
    // The diagram is tall: it takes the height its column has left.
    expect((await boxOf(diagram(page))).height).toBeGreaterThan(420);
    // Running, and with a recording loaded (the player sits over the composer), the same holds.
    await page.getByRole('button', { name: 'Start' }).click();
    await expect(page.getByRole('button', { name: 'Stop' })).toBeEnabled();
    await check();
    await page.getByRole('button', { name: 'Stop' }).click();
    await replayToEnd(page, 'short-poll');
    await check();
  });

  test('the explanation and its Try this sit over the diagram, and fold away', async ({ page }) => {
    await openLab(page, 'layout-explanation');
    const explanation = page.getByTestId('explanation');
    await expect(explanation.getByTestId('try-this')).toContainText('Poll interval');
    const strip = await boxOf(explanation);
    const drawing = await boxOf(diagram(page));
    expect(strip.y + strip.height).toBeLessThanOrEqual(drawing.y);
    expect(strip.x).toBeLessThan(drawing.x + drawing.width);
    expect(strip.x + strip.width).toBeGreaterThan(drawing.x);
    await page.getByRole('tab', { name: 'WebSocket' }).click();
    await expect(explanation.getByTestId('try-this')).toContainText('Block WebSockets');

    const before = drawing.height;
    await explanation.getByRole('button', { name: 'Hide explanation' }).click();
    await expect(explanation.getByTestId('try-this')).toHaveCount(0);
    // The room it gave up goes to the diagram.
    await expect.poll(async () => (await boxOf(diagram(page))).height).toBeGreaterThan(before + 40);
    await page.reload();
    await expect(page.getByRole('button', { name: 'Show explanation' })).toBeVisible();
    await page.getByRole('button', { name: 'Show explanation' }).click();
    await expect(explanation.getByTestId('try-this')).toBeVisible();
  });
});

test.describe('a projector, 1280×720', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('the header is one line', async ({ page }) => {
    await openLab(page, 'layout-projector');
    const header = page.getByRole('banner');
    const parts = [
      page.getByRole('heading', { name: 'Realtime Lab' }),
      page.getByRole('tablist', { name: 'View' }),
      page.getByRole('button', { name: 'Tour' }),
      page.getByRole('button', { name: 'Presenter mode' }),
      page.getByRole('button', { name: 'Keyboard shortcuts' }),
    ];
    const boxes = await Promise.all(parts.map((part) => boxOf(part)));
    const line = await boxOf(header);
    expect(line.height).toBeLessThan(52);
    for (const box of boxes) {
      expect(box.y).toBeGreaterThanOrEqual(line.y);
      expect(box.y + box.height).toBeLessThanOrEqual(line.y + line.height);
    }
    await expectInView(page, 'the diagram', diagram(page));
    await expectInView(page, 'the counters', page.getByRole('region', { name: 'Counters' }));
  });

  test('compare mode’s four diagrams start above the fold', async ({ page }) => {
    await page.goto('/?view=compare');
    await page.getByLabel('Compare trace file').setInputFiles(fixture('compare'));
    await expect(page.getByTestId('compare-progress')).toHaveText('Showing a recording');
    const header = await boxOf(page.getByRole('banner'));
    expect(header.height).toBeLessThan(52);
    const drawings = page.locator('.small-multiple svg[role="img"]');
    await expect(drawings).toHaveCount(4);
    for (const drawing of await drawings.all()) {
      const box = await boxOf(drawing);
      expect(box.y, 'starts above the fold with room to read').toBeLessThan(720 - 120);
      expect(box.x + box.width).toBeLessThanOrEqual(1280);
    }
    // The surprise of 4 messages a second is explained with the run's own numbers.
    await expect(page.getByTestId('note-long-poll-bytes')).toContainText(
      'Why does long polling cost more here?',
    );
  });
});

test.describe('a phone, 390×844', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

  test('no sideways scrolling, and the diagram comes first, full width, after the header and tabs', async ({
    page,
  }) => {
    await openLab(page, 'layout-phone');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    const tabs = await boxOf(page.getByRole('tablist', { name: 'Technique' }));
    const area = await boxOf(page.getByTestId('diagram-area'));
    expect(
      area.y - (tabs.y + tabs.height),
      'nothing between the tabs and the diagram',
    ).toBeLessThan(16);
    expect(area.width).toBeGreaterThan(360);
    await expectInView(
      page,
      'the top of the diagram',
      page.getByRole('toolbar', { name: 'Diagram view' }),
    );
    for (const [what, locator] of [
      ['the run controls', page.getByRole('button', { name: 'Start' })],
      ['the composer', page.getByRole('textbox', { name: 'Message' })],
      ['the counters', page.getByRole('region', { name: 'Counters' })],
      ['the explanation', page.getByTestId('explanation')],
      ['the faults', page.getByRole('region', { name: 'Faults' })],
    ] as const) {
      const box = await boxOf(locator);
      expect(box.y, `${what} come after the diagram`).toBeGreaterThan(area.y);
      expect(box.x + box.width, `${what} fit the width`).toBeLessThanOrEqual(390);
    }
    // Still none with a recording replayed and a step inspected.
    await replayToEnd(page, 'sse');
    await page.evaluate(() => scrollTo(0, 0));
    await diagram(page).locator('[data-kind="sse-event"]').first().click();
    await expect(page.getByTestId('inspector')).toBeVisible();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
  });

  test('no other screen scrolls sideways either', async ({ page }) => {
    for (const view of ['compare', 'lessons', 'guide']) {
      await page.goto(`/?view=${view}`);
      await expect(page.getByRole('tablist', { name: 'View' })).toBeVisible();
      expect(await scrollWidth(page), view).toBeLessThanOrEqual(390);
    }
  });
});

test.describe('the inspector opens where the click was', () => {
  for (const viewport of [
    { width: 1440, height: 900 },
    { width: 1280, height: 720 },
    { width: 390, height: 844 },
  ]) {
    test(`at ${viewport.width}×${viewport.height}: in view, beside the step and not over it; Esc closes it and focus comes back`, async ({
      page,
    }) => {
      await page.setViewportSize(viewport);
      await openLab(page, `layout-inspector-${viewport.width}`);
      await replayToEnd(page, 'websocket');
      await page.evaluate(() => scrollTo(0, 0));
      const frame = diagram(page).locator('[data-kind="ws-frame"]').first();
      await frame.click();
      const inspector = page.getByTestId('inspector');
      await expect(inspector).toContainText('Frame header');
      await expect(inspector).toBeFocused();
      // The panel (it scrolls inside if the inspection is long).
      const panel = await boxOf(page.getByTestId('inspector-panel'));
      expect(insideViewport(panel, viewport), `inspector ${JSON.stringify(panel)}`).toBe(true);
      expect(boxesOverlap(panel, await boxOf(frame)), 'the clicked step stays visible').toBe(false);

      await page.keyboard.press('Escape');
      await expect(inspector).toHaveCount(0);
      await expect(diagram(page)).toBeFocused();

      // From the keyboard: Enter on a focused step opens it, its × closes it.
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await expect(inspector).toBeFocused();
      await inspector.getByRole('button', { name: 'Close inspector' }).click();
      await expect(inspector).toHaveCount(0);
      await expect(diagram(page)).toBeFocused();
    });
  }
});
