import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

/**
 * A browser that remembers only that the tour was seen: the page as a
 * returning learner gets it, explanation unfolded (playwright.config.ts also
 * folds the explanation for every other spec).
 */
export const TOUR_SEEN = {
  cookies: [],
  origins: [
    {
      origin: `http://127.0.0.1:${process.env.E2E_PORT ?? 8181}`,
      localStorage: [{ name: 'realtime-lab:tour', value: 'done' }],
    },
  ],
};

/** Opens the playground on a channel of its own, so tests sharing one server never see each other's messages. */
export async function openLab(page: Page, label: string): Promise<string> {
  const channel = `e2e-${label}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
  await page.goto(`/?channel=${channel}`);
  await expect(page.getByRole('tablist', { name: 'Technique' })).toBeVisible();
  return channel;
}

export function counter(page: Page, name: string) {
  return page.getByTestId(`counter-${name}`);
}

export async function counterValue(page: Page, name: string): Promise<number> {
  return Number(await counter(page, name).getAttribute('data-value'));
}

/** Waits until a counter's data-value satisfies `check`; fails saying the last value it read. */
export async function expectCounter(
  page: Page,
  name: string,
  check: (value: number) => boolean,
  message?: string,
  timeout = 10_000,
) {
  const deadline = Date.now() + timeout;
  let last: number;
  for (;;) {
    last = await counterValue(page, name);
    if (check(last)) return;
    if (Date.now() > deadline) break;
    await page.waitForTimeout(100);
  }
  throw new Error(`${message ?? `counter-${name}`}: last data-value ${last}`);
}

/**
 * Types `text` and presses Send, then waits for the page's answer: the box cleared (the
 * server took the message) or a notice. A refused send fails here, in the page's words,
 * rather than later as a message that never arrived.
 */
export async function send(page: Page, text: string) {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  if (text.trim() === '') return;
  // The notice is drawn only while there is one.
  const notice = async () => {
    const shown = page.getByTestId('notice');
    return (await shown.count()) === 0 ? '' : ((await shown.textContent()) ?? '');
  };
  let said = '';
  await expect
    .poll(
      async () => {
        said = await notice();
        return (await box.inputValue()) === '' || said !== '';
      },
      { message: `sending ${JSON.stringify(text)}: the box never cleared and no notice came` },
    )
    .toBe(true);
  if (/not sent/.test(said)) throw new Error(`sending ${JSON.stringify(text)}: ${said}`);
}

export async function setKnob(page: Page, label: RegExp, value: string) {
  const box = page.getByRole('spinbutton', { name: label });
  await box.fill(value);
  await box.press('Enter');
}

/** A recorded trace under e2e/fixtures (made by e2e/record-fixtures.ts). */
export const fixture = (name: string) => join(import.meta.dirname, 'fixtures', `${name}.json`);

export async function loadRecording(page: Page, name: string) {
  await page.getByLabel('Trace file').setInputFiles(fixture(name));
  await expect(page.getByRole('group', { name: 'Replay controls' })).toBeVisible();
}

/** Replays a recording to its end and takes focus off the slider, as the visual tests do. */
export async function replayToEnd(page: Page, name: string) {
  await loadRecording(page, name);
  const slider = page.getByRole('slider', { name: 'Replay position' });
  await slider.focus();
  await slider.press('End');
  await expect(page.getByTestId('replay-position')).toContainText(/(\d+) of \1 events/);
  await slider.blur();
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The element's box in the viewport, failing the test when it has none. */
export async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  expect(box, `${locator} has a box`).not.toBeNull();
  return box!;
}

/** Whether a box lies wholly inside the viewport (nothing cut off, no scrolling needed). */
export function insideViewport(box: Box, viewport: { width: number; height: number }): boolean {
  return (
    box.x >= 0 &&
    box.y >= 0 &&
    box.x + box.width <= viewport.width + 0.5 &&
    box.y + box.height <= viewport.height + 0.5
  );
}

export function boxesOverlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** One step of an exported trace, as much of it as the specs read. */
export interface ExportedStep {
  seq: number;
  observer: 'client' | 'server' | 'broker';
  technique: string | null;
  actor: string;
  conn: string;
  kind: string;
  messageIds?: number[];
  details?: {
    closeCode?: number;
    note?: string;
    errorCode?: string;
    error?: string;
    [key: string]: unknown;
  };
}

/**
 * The page's whole trace, as "Export trace" downloads it, in order: the diagram and the
 * event log draw only what is in view, so a count of steps is taken from here.
 */
export async function exportedTrace(
  page: Page,
): Promise<{ network: string; events: ExportedStep[] }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export trace' }).click(),
  ]);
  const file = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
    network: string;
    events: ExportedStep[];
  };
  file.events.sort((a, b) => a.seq - b.seq);
  return file;
}
