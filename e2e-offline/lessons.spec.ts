import { expect, test, type Page } from '@playwright/test';
import { expectCounter, exportedTrace, send, setKnob } from '../e2e/helpers';
import { blockedWebSocketsFallBack, diagram, quickBackoff } from '../e2e/scenarios';

/**
 * The lessons on the offline build, served by a plain static server with no lab server
 * anywhere: msw plays the server in the tab, from the same src/core as the real one.
 */

/** Opens the offline site (relative to its sub-path) on a channel of its own. */
async function openOffline(page: Page, label: string): Promise<void> {
  await page.goto(`./?channel=off-${label}-${Date.now().toString(36)}`);
  await expect(page.getByTestId('offline-banner')).toHaveText(
    'Offline: the server is simulated in this tab — traffic never leaves the browser',
  );
  await expect(page.getByRole('tablist', { name: 'Technique' })).toBeVisible();
}

const TECHNIQUES = [
  { tab: 'Short polling', kind: 'response', open: 0 },
  { tab: 'Long polling', kind: 'hold', open: 1 },
  { tab: 'Server-Sent Events', kind: 'sse-event', open: 1 },
  { tab: 'WebSocket', kind: 'ws-frame', open: 2 },
] as const;

for (const { tab, kind, open } of TECHNIQUES) {
  test(`offline, ${tab} delivers Alice's message to Bob, counts it and draws it`, async ({
    page,
  }) => {
    await openOffline(page, kind);
    await page.getByRole('tab', { name: tab }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    if (open > 0) await expectCounter(page, 'open-connections', (v) => v === open);
    await send(page, `hello over ${tab}`);
    await expect(page.getByTestId('inbox-bob')).toContainText(`hello over ${tab}`);
    await expectCounter(page, 'delivered', (v) => v === 1);
    await expectCounter(page, 'bytes-down', (v) => v > 0);
    await expectCounter(page, 'bytes-up', (v) => v > 0);
    await expectCounter(page, 'latency-p50', (v) => v > 0);
    // The simulated server's own steps are drawn, on its lane, as the lab server's would be.
    const serverSteps = diagram(page).locator(`[data-kind="${kind}"]`);
    await expect.poll(() => serverSteps.count()).toBeGreaterThan(0);
    const trace = await exportedTrace(page);
    expect(trace.network).toBe('offline');
    const server = trace.events.filter((e) => e.observer === 'server');
    expect(server.length).toBeGreaterThan(0);
    expect(server.every((e) => e.details?.simulated === true)).toBe(true);
    expect(server.some((e) => e.kind === kind)).toBe(true);
  });
}

test('offline, a dropped SSE stream resumes from Last-Event-ID and misses nothing', async ({
  page,
}) => {
  await openOffline(page, 'sse-drop');
  await page.getByRole('tab', { name: 'Server-Sent Events' }).click();
  await setKnob(page, /SSE retry/, '300');
  await page.getByRole('button', { name: 'Start' }).click();
  await send(page, 'before the drop');
  await expect(page.getByTestId('inbox-bob')).toContainText('before the drop');
  await page.getByRole('button', { name: 'Drop connections' }).click();
  await expect(diagram(page).locator('[data-kind="fault"]')).toContainText('drop');
  await send(page, 'after the drop');
  await expect(page.getByTestId('inbox-bob')).toContainText('after the drop');
  await expectCounter(page, 'delivered', (v) => v === 2);
  await expectCounter(page, 'reconnects', (v) => v >= 1);
  const { events } = await exportedTrace(page);
  const drop = events.find((e) => e.kind === 'fault')!;
  // Bob's stream after the drop asked to resume after message 1: the Last-Event-ID header
  // (the browser's own reconnection) or lastEventId= (the lab's), as the simulated server saw it.
  const reopened = events.find(
    (e) =>
      e.seq > drop.seq &&
      e.observer === 'server' &&
      e.kind === 'request' &&
      e.technique === 'sse' &&
      e.details?.url !== undefined &&
      String(e.details.url).includes('/events'),
  );
  expect(reopened, 'the stream reopened on the simulated server').toBeDefined();
  const headers = (reopened!.details!.requestHeaders ?? {}) as Record<string, string>;
  const resumedFrom =
    headers['last-event-id'] ?? /lastEventId=(\d+)/.exec(String(reopened!.details!.url))?.[1];
  expect(resumedFrom).toBe('1');
  const delivered = events.filter((e) => e.observer === 'client' && e.kind === 'deliver');
  expect(delivered.flatMap((e) => e.messageIds ?? [])).toEqual([1, 2]);
});

test('offline, blocked WebSockets fall back to long polling and keep delivering', async ({
  page,
}) => {
  await openOffline(page, 'ws-block');
  await blockedWebSocketsFallBack(page);
});

test('offline, a reboot refuses polls for its down time, then they resume with nothing lost', async ({
  page,
}) => {
  await openOffline(page, 'reboot');
  await page.getByRole('tab', { name: 'Long polling' }).click();
  await quickBackoff(page);
  await page.getByRole('button', { name: 'Start' }).click();
  await send(page, 'before the reboot');
  await expect(page.getByTestId('inbox-bob')).toContainText('before the reboot');
  await page.getByRole('spinbutton', { name: /Down for/ }).fill('1500');
  await page.getByRole('button', { name: 'Reboot server' }).click();
  await expect(diagram(page).locator('[data-kind="fault"]')).toContainText('rebooted');
  // Refused while down: the page's polls back off and retry.
  await expect
    .poll(() => diagram(page).locator('[data-kind="reconnect-wait"]').count(), { timeout: 10_000 })
    .toBeGreaterThanOrEqual(1);
  // Sending while the server is down is refused (the page says so): wait until it is back.
  // The page's own fetch asks the simulated server (the static host has no /api).
  await expect
    .poll(
      () =>
        page.evaluate(async () => {
          const faults = (await (await fetch('/api/faults')).json()) as {
            restartingUntil: number | null;
          };
          return faults.restartingUntil;
        }),
      { timeout: 10_000 },
    )
    .toBeNull();
  await expectCounter(page, 'open-connections', (v) => v === 1, 'held again after the reboot');
  await send(page, 'after the reboot');
  await expect(page.getByTestId('inbox-bob')).toContainText('after the reboot', {
    timeout: 15_000,
  });
  await expectCounter(page, 'delivered', (v) => v === 2);
});

test('offline, compare mode plays a 100-message run to its end on all four techniques', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await page.goto(`./?view=compare&channel=off-compare-${Date.now().toString(36)}`);
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  await expect(page.getByTestId('compare-view')).toBeVisible();
  for (const [name, value] of [
    [/Receivers/, '2'],
    [/Messages/, '100'],
    [/Rate/, '20'],
  ] as const) {
    const box = page.getByRole('spinbutton', { name });
    await box.fill(value);
    await box.press('Enter');
  }
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('compare-progress')).toHaveText('100 of 100 messages played', {
    timeout: 30_000,
  });
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByText(/Stopped before every receiver/)).toHaveCount(0);
  for (const technique of ['short-poll', 'long-poll', 'sse', 'websocket']) {
    const delivered = await page
      .getByTestId(`compare-${technique}-delivered`)
      .getAttribute('data-value');
    expect(Number(delivered), technique).toBe(200);
  }
});

test('offline, added latency slows every exchange by what was asked', async ({ page }) => {
  await openOffline(page, 'latency');
  await page.getByRole('tab', { name: 'WebSocket' }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 2);
  await send(page, 'quick');
  await expect(page.getByTestId('inbox-bob')).toContainText('quick');
  // Slow motion (the `l` shortcut): 500 ms each way, on the simulated server.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('l');
  await expect(page.getByTestId('faults-status')).toContainText('Added latency: 500 ms each way.');
  await send(page, 'slow');
  // Typed while that send waits for its answer: kept when the answer comes, not wiped.
  await page.getByRole('textbox', { name: 'Message' }).fill('typed meanwhile');
  await expect(page.getByTestId('inbox-bob')).toContainText('slow');
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('typed meanwhile');
  // The frame waited 500 ms up and 500 ms down: its latency is at least a second.
  await expectCounter(page, 'latency-max', (v) => v >= 1000);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('l');
  await expect(page.getByTestId('faults-status')).not.toContainText('Added latency');
});
