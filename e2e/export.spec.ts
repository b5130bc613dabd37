import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { loadRecording, openLab } from './helpers';

/** Clicks an export button and returns the file it downloads. */
async function exported(page: Page, button: string): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
}

test('the diagram of a recorded WebSocket trace exports as SVG, PNG and Mermaid', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await openLab(page, 'export-diagram');
  await loadRecording(page, 'websocket');
  const slider = page.getByRole('slider', { name: 'Replay position' });
  await slider.focus();
  await slider.press('End');
  await expect(page.getByTestId('replay-position')).toContainText(/(\d+) of \1 events/);
  const diagram = page.getByRole('img', { name: /^Sequence diagram/ });
  await expect(diagram.locator('[data-kind="ws-frame"]').first()).toBeVisible();
  const width = Number(await diagram.getAttribute('width'));
  const height = Number(await diagram.getAttribute('height'));
  await expect(page.getByRole('button', { name: 'Export SVG', exact: true })).toBeVisible();

  // SVG: a standalone document, with the lanes and the drawn steps, that a browser draws on its own.
  const svg = await exported(page, 'Export SVG');
  expect(svg.name).toMatch(/\.svg$/);
  const text = svg.bytes.toString('utf8');
  const parsed = await page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
    const root = doc.documentElement;
    return {
      error: doc.getElementsByTagName('parsererror').length > 0,
      root: root.localName,
      namespace: root.namespaceURI,
      viewBox: root.getAttribute('viewBox'),
      title: root.querySelector(':scope > text')?.textContent ?? '',
      text: root.textContent ?? '',
      lanes: [...doc.querySelectorAll('[data-lane] text')].map((t) => t.textContent),
      kinds: [
        ...new Set(
          [...doc.querySelectorAll('[data-kind]')].map((e) => e.getAttribute('data-kind')),
        ),
      ],
    };
  }, text);
  expect(parsed).toMatchObject({
    error: false,
    root: 'svg',
    namespace: 'http://www.w3.org/2000/svg',
  });
  // The sheet: the diagram as wide as on screen, with a title above it and the legend and counters below.
  const [, , sheetWidth, sheetHeight] = parsed.viewBox!.split(' ').map(Number);
  expect(sheetWidth).toBe(width);
  expect(sheetHeight).toBeGreaterThan(height + 80);
  expect(parsed.title).toMatch(/^Realtime Lab — WebSocket/);
  expect(parsed.text).toContain('response with data');
  expect(parsed.text).toMatch(/HTTP requests\s*\d+/);
  expect(parsed.lanes).toEqual(expect.arrayContaining(['Alice', 'Bob', 'Server']));
  expect(parsed.kinds).toEqual(expect.arrayContaining(['request', 'ws-open', 'ws-frame']));
  expect(text).toContain('DejaVu Sans');
  const drawn = await page.evaluate(async (source) => {
    const image = new Image();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
    await image.decode();
    return { width: image.naturalWidth, height: image.naturalHeight };
  }, text);
  expect(drawn).toEqual({ width: sheetWidth, height: sheetHeight });

  // PNG: twice the diagram's size, with more in it than a blank page.
  const png = await exported(page, 'Export PNG');
  expect(png.name).toMatch(/\.png$/);
  expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.bytes.readUInt32BE(16)).toBe(sheetWidth! * 2);
  expect(png.bytes.readUInt32BE(20)).toBe(sheetHeight! * 2);
  expect(png.bytes.length).toBeGreaterThan(10_000);
  expect(png.bytes.length).toBeLessThan(5_000_000);

  // Mermaid: the visible steps as a sequenceDiagram GitHub renders.
  const mermaid = await exported(page, 'Export Mermaid');
  expect(mermaid.name).toMatch(/\.mmd$/);
  const lines = mermaid.bytes.toString('utf8').split('\n');
  expect(lines[0]).toBe('sequenceDiagram');
  expect(lines[1]).toMatch(/^ {4}%% Realtime Lab — WebSocket/);
  expect(lines).toEqual(
    expect.arrayContaining([
      '    participant alice as Alice',
      '    participant bob as Bob',
      '    participant server as Server',
    ]),
  );
  expect(lines.filter((line) => /^ {4}\w+->>server: GET \/ws/.test(line)).length).toBeGreaterThan(
    0,
  );
  expect(lines.some((line) => line.includes('-)'))).toBe(true);
});

test('the whole run exports, not just the window in view', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await openLab(page, 'export-run');
  await loadRecording(page, 'long-poll');
  const slider = page.getByRole('slider', { name: 'Replay position' });
  await slider.focus();
  await slider.press('End');
  // Zoomed in on a part of the run, to scale.
  await page.getByRole('button', { name: 'Time to scale' }).click();
  const diagram = page.getByRole('img', { name: /^Sequence diagram/ });
  const box = (await diagram.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -1500);
  const rows = async () => {
    const svg = (await exported(page, 'Export SVG')).bytes.toString('utf8');
    return page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
      return {
        steps: doc.querySelectorAll('.seq-arrow, .seq-mark').length,
        subtitle: doc.documentElement.querySelectorAll(':scope > text')[1]?.textContent ?? '',
      };
    }, svg);
  };
  const window = await rows();
  expect(window.subtitle).toContain('the window in view');
  await page.getByRole('combobox', { name: 'What to export' }).selectOption('run');
  const run = await rows();
  expect(run.subtitle).toContain('the whole run');
  expect(run.steps).toBeGreaterThan(window.steps);
});
