import { expect, type Page } from '@playwright/test';
import { expectCounter, exportedTrace, send, setKnob, type ExportedStep } from './helpers';

/**
 * Lessons played the same way against the lab server (e2e/) and the offline simulation
 * (e2e-offline/): one scenario, two servers, so the two cannot drift.
 */

export const diagram = (page: Page) => page.getByRole('img', { name: /^Sequence diagram/ });

/** Backoff short enough for a test: 200 ms base, 1 s cap. */
export async function quickBackoff(page: Page): Promise<void> {
  await setKnob(page, /Backoff base/, '200');
  await setKnob(page, /Backoff cap/, '1000');
}

/**
 * On an open playground: WebSockets blocked and dropped, the clients back off, fall back to
 * long polling and keep delivering; unblocked, they come back to WebSocket.
 */
export async function blockedWebSocketsFallBack(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'WebSocket' }).click();
  await quickBackoff(page);
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 2);
  await page.getByRole('button', { name: 'Block WebSockets' }).click();
  await expect(page.getByRole('button', { name: 'Allow WebSockets' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await page.getByRole('button', { name: 'Drop connections' }).click();
  // Refused upgrades: several waits in a row, each traced with its delay; after three refused
  // upgrades in a row each of Alice and Bob falls back to long polling (Alice then sends over
  // HTTP). Counted in the exported trace: the diagram follows the run and draws only its window.
  let steps: ExportedStep[] = [];
  const fellBack = (actor: string) =>
    steps.findIndex((e) => e.actor === actor && e.observer === 'client' && e.kind === 'fallback');
  await expect
    .poll(
      async () => {
        steps = (await exportedTrace(page)).events;
        return ['alice', 'bob'].filter((actor) => fellBack(actor) !== -1);
      },
      { timeout: 30_000, intervals: [1_000], message: 'both fell back to long polling' },
    )
    .toEqual(['alice', 'bob']);
  for (const actor of ['alice', 'bob']) {
    const before = steps.slice(0, fellBack(actor));
    const waits = before.filter(
      (e) => e.actor === actor && e.observer === 'client' && e.kind === 'reconnect-wait',
    );
    expect(waits.length, `${actor} waited before each refused upgrade`).toBeGreaterThanOrEqual(2);
  }
  await expect(
    diagram(page).locator('[data-kind="fault"]').filter({ hasText: 'blocked' }),
  ).toHaveCount(1);
  await send(page, 'during the block');
  await expect(page.getByTestId('inbox-bob')).toContainText('during the block');
  // …and probes every 5 s; once upgrades work again it is back on a WebSocket.
  await page.getByRole('button', { name: 'Allow WebSockets' }).click();
  await expect(
    diagram(page)
      .locator('[data-kind="fallback"]')
      .filter({ hasText: 'back to WebSocket' })
      .first(),
  ).toBeAttached({ timeout: 15_000 });
  await expectCounter(page, 'open-connections', (v) => v === 2, 'both sockets are back');
  await send(page, 'after the block');
  await expect(page.getByTestId('inbox-bob')).toContainText('after the block');
  await expectCounter(page, 'delivered', (v) => v === 2);
  await expectCounter(page, 'reconnects', (v) => v >= 2);
}
