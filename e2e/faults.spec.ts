import { expect, test } from '@playwright/test';
import {
  counterValue,
  expectCounter,
  exportedTrace,
  openLab,
  send,
  setKnob,
  type ExportedStep,
} from './helpers';
import { blockedWebSocketsFallBack, diagram, quickBackoff } from './scenarios';

/**
 * Faults act on the whole server: every test lifts what it set, whatever happens, and leaves
 * no reboot under way (a test can end while the server is still down: the next one's first
 * send would be refused).
 */
test.afterEach(async ({ request }) => {
  await request.post('/api/faults', {
    data: { blockWebSockets: false, latencyMs: { up: 0, down: 0 } },
  });
  await expect
    .poll(
      async () =>
        ((await (await request.get('/api/faults')).json()) as { restartingUntil: number | null })
          .restartingUntil,
      { timeout: 15_000, message: 'the server is back from its reboot' },
    )
    .toBeNull();
});

/**
 * The connections open when the fault started, as the page saw them end: each one's
 * first close on the page's side is its own watchdog's (after its "silent" error),
 * never a close that came from the server (no 1006, no stream end before it).
 */
function expectNoticedByThePage(
  steps: ExportedStep[],
  closeNote: RegExp,
  participants: number,
): string[] {
  const start = steps.find((e) => e.kind === 'fault' && /went silent/.test(e.details?.note ?? ''));
  expect(start, 'the half-open fault step').toBeDefined();
  const after = steps.filter((e) => e.seq > start!.seq && e.observer === 'client');
  const silent = after.filter(
    (e) => e.kind === 'error' && e.details?.errorCode === 'RL_ERR_SILENT',
  );
  const conns = [...new Set(silent.map((e) => e.conn))];
  expect(conns.length, 'every participant noticed the silence itself').toBe(participants);
  for (const conn of conns) {
    const own = after.filter((e) => e.conn === conn);
    const firstEnd = own.find((e) => e.kind === 'close' || e.kind === 'error');
    expect(firstEnd?.details?.errorCode, `${conn}: the watchdog noticed first`).toBe(
      'RL_ERR_SILENT',
    );
    const close = own.find((e) => e.kind === 'close');
    expect(close?.details?.note, `${conn}: closed by the watchdog`).toMatch(closeNote);
    expect(own.some((e) => e.kind === 'close' && e.details?.closeCode === 1006)).toBe(false);
  }
  return conns;
}

test('a dropped SSE stream comes back and misses nothing', async ({ page }) => {
  await openLab(page, 'fault-drop');
  await page.getByRole('tab', { name: 'Server-Sent Events' }).click();
  await setKnob(page, /SSE retry/, '300');
  await page.getByRole('button', { name: 'Start' }).click();
  await send(page, 'before the drop');
  await expect(page.getByTestId('inbox-bob')).toContainText('before the drop');
  await page.getByRole('button', { name: 'Drop connections' }).click();
  await expect(diagram(page).locator('[data-kind="fault"]')).toContainText('drop');
  await expect(diagram(page).locator('[data-kind="reconnect"]').first()).toBeAttached();
  await send(page, 'after the drop');
  await expect(page.getByTestId('inbox-bob')).toContainText('after the drop');
  await expectCounter(page, 'delivered', (v) => v === 2);
});

test('blocked WebSockets: back off, fall back to long polling, keep delivering, return when unblocked', async ({
  page,
}) => {
  await openLab(page, 'fault-block');
  await blockedWebSocketsFallBack(page);
});

test('a restart: long polls are refused, back off, and resume with nothing lost', async ({
  page,
}) => {
  await openLab(page, 'fault-restart');
  await page.getByRole('tab', { name: 'Long polling' }).click();
  await quickBackoff(page);
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 1);
  await setKnob(page, /Down for/, '1500');
  await page.getByRole('button', { name: 'Reboot server' }).click();
  await expect(diagram(page).locator('[data-kind="fault"]')).toContainText(/server rebooted/);
  await expect(
    page.getByTestId('event-log').locator('[data-kind="reconnect-wait"]').first(),
  ).toBeAttached();
  // Sending while the server is down is refused (the page says so): wait until it is back.
  await expect
    .poll(
      async () =>
        (
          (await (await page.request.get('/api/faults')).json()) as {
            restartingUntil: number | null;
          }
        ).restartingUntil,
      { timeout: 10_000 },
    )
    .toBeNull();
  await expectCounter(page, 'open-connections', (v) => v === 1, 'held again after the restart');
  await send(page, 'after the restart');
  await expect(page.getByTestId('inbox-bob')).toContainText('after the restart');
  await expectCounter(page, 'delivered', (v) => v === 1);
});

test('a 503 during a reboot adds its real size', async ({ page }) => {
  await openLab(page, 'fault-503-bytes');
  await page.getByRole('tab', { name: 'Long polling' }).click();
  await quickBackoff(page);
  // What each refusal really weighed, as Chromium itself received it: status line, headers, body.
  const refusals: number[] = [];
  page.on('requestfinished', (request) => {
    void (async () => {
      if ((await request.response())?.status() !== 503) return;
      const sizes = await request.sizes();
      refusals.push(sizes.responseHeadersSize + sizes.responseBodySize);
    })();
  });
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 1);
  // Earlier answers on the same kept-alive sockets: a 503 used to be counted with all of them.
  for (const text of ['one', 'two', 'three']) await send(page, text);
  await expectCounter(page, 'delivered', (v) => v === 3);
  await expectCounter(page, 'open-connections', (v) => v === 1, 'held again');
  const before = await counterValue(page, 'bytes-down');
  expect(before).toBeGreaterThan(0);
  await setKnob(page, /Down for/, '2000');
  await page.getByRole('button', { name: 'Reboot server' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 1, 'held again after the reboot');
  expect(refusals.length).toBeGreaterThanOrEqual(1);
  // Bytes down grew by the refusals' own size (each a few hundred bytes), nothing more.
  let grew = 0;
  await expect
    .poll(
      async () => {
        grew = (await counterValue(page, 'bytes-down')) - before;
        return Math.abs(grew - refusals.reduce((sum, size) => sum + size, 0));
      },
      { message: 'bytes down grew by what the 503s weighed (difference in bytes)' },
    )
    .toBeLessThanOrEqual(16);
  expect(grew / refusals.length).toBeLessThan(600);
});

test('half-open: a silent SSE stream is noticed within 2.5 heartbeats, closed and resumed', async ({
  page,
}) => {
  await openLab(page, 'fault-silent');
  await page.getByRole('tab', { name: 'Server-Sent Events' }).click();
  await setKnob(page, /SSE heartbeat/, '1000');
  await quickBackoff(page);
  await page.getByRole('button', { name: 'Start' }).click();
  // Bob's stream is open (Alice publishes over HTTP and holds none) before anything is sent.
  await expectCounter(page, 'open-connections', (v) => v === 1);
  await send(page, 'before the silence');
  await expect(page.getByTestId('inbox-bob')).toContainText('before the silence');
  await page.getByRole('button', { name: 'Go silent (half-open)' }).click();
  const band = diagram(page).locator('[data-kind="fault"]').filter({ hasText: 'went silent' });
  await expect(band).toHaveCount(1);
  // Sent into the silence: it cannot arrive on the dead stream, and must not be lost.
  await send(page, 'into the silence');
  const noticed = page
    .getByTestId('event-log')
    .locator('[data-kind="error"]')
    .filter({
      hasText: /silent for \d+ ms/,
    });
  await expect(noticed.first()).toBeAttached({ timeout: 10_000 });
  await expect(page.getByTestId('inbox-bob')).toContainText('into the silence', {
    timeout: 10_000,
  });
  // The band ends when the last silenced connection was closed: its length is the time to notice.
  await expect(band).toContainText(/lasted \d+(\.\d)? (ms|s)/, { timeout: 10_000 });
  await expectCounter(page, 'delivered', (v) => v === 2);
  // Nothing told the page: its own watchdog noticed, then it closed the stream.
  // (Only Bob has a stream: Alice publishes over HTTP.)
  expectNoticedByThePage((await exportedTrace(page)).events, /^closed as silent$/, 1);
});

test('half-open: a silent WebSocket is noticed by the page itself (the server gives up on its end unseen), and resumed', async ({
  page,
}) => {
  await openLab(page, 'fault-silent-ws');
  await page.getByRole('tab', { name: 'WebSocket' }).click();
  await setKnob(page, /WebSocket heartbeat/, '1000');
  await quickBackoff(page);
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 2);
  await send(page, 'before the silence');
  await expect(page.getByTestId('inbox-bob')).toContainText('before the silence');
  await page.getByRole('button', { name: 'Go silent (half-open)' }).click();
  const band = diagram(page).locator('[data-kind="fault"]').filter({ hasText: 'went silent' });
  await expect(band).toHaveCount(1);
  // Within about two heartbeats the server gives up on its end (the band ends), telling the page nothing.
  await expect(band).toContainText(/lasted \d+(\.\d)? (ms|s)/, { timeout: 10_000 });
  // The page still believes its sockets open until its own watchdog gives up on each, then reopens.
  await expectCounter(page, 'reconnects', (v) => v >= 2, 'Alice and Bob noticed and reconnected');
  await expectCounter(page, 'open-connections', (v) => v === 2, 'both sockets are back');
  await send(page, 'after the silence');
  await expect(page.getByTestId('inbox-bob')).toContainText('after the silence');
  await expectCounter(page, 'delivered', (v) => v === 2);
  // Each side noticed at its own time: the page by its watchdog (no 1006 from the server),
  // the server by its missed pong, traced as its own close of the same connection.
  const steps = (await exportedTrace(page)).events;
  const conns = expectNoticedByThePage(steps, /^abandoned: silent$/, 2);
  for (const conn of conns) {
    const serverClose = steps.find(
      (e) => e.observer === 'server' && e.conn === conn && e.kind === 'close',
    );
    expect(serverClose?.details?.note, `${conn}: the server's own close`).toMatch(
      /^the server closed its end after \d+ ms half-open/,
    );
  }
});

test('the Faults panel tells a reboot in plain words, with local times and its down time', async ({
  page,
}) => {
  await openLab(page, 'fault-words');
  await page.getByRole('tab', { name: 'Long polling' }).click();
  await quickBackoff(page);
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 1);
  const status = page.getByTestId('faults-status');
  await setKnob(page, /Down for/, '2000');
  const pressed = await page.evaluate(() => Date.now());
  await page.getByRole('button', { name: 'Reboot server' }).click();
  await expect(status).toContainText(
    /^Server rebooting: down since \d\d:\d\d:\d\d for 2 s, back at \d\d:\d\d:\d\d\.$/,
  );
  // The times are the page's own clock, in its own time zone.
  const local = await page.evaluate(
    (at) =>
      new Intl.DateTimeFormat(undefined, {
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(at)),
    pressed,
  );
  await expect(status).toContainText(`down since ${local.slice(0, 5)}`);
  // The refusals say it too, with how long is left: no UTC timestamp, no internal name.
  await expect(
    page
      .getByTestId('event-log')
      .locator('[data-kind="error"]')
      .filter({ hasText: /the server is rebooting: it answers again in [\d.]+ (s|ms)/ })
      .first(),
  ).toBeAttached();
  await expect(status).toHaveText(/^Server rebooted at \d\d:\d\d:\d\d, down for 2 s\.$/, {
    timeout: 5_000,
  });
  await expect(page.getByRole('region', { name: 'Faults' })).not.toContainText(/restart|\dZ\b/);
  await expect(page.getByTestId('event-log')).not.toContainText(/\d{4}-\d\d-\d\dT/);
});

test('slow motion shows in the Faults panel, and so does a fault set elsewhere', async ({
  page,
  request,
}) => {
  await openLab(page, 'fault-slow');
  const up = page.getByRole('spinbutton', { name: /Added latency up/ });
  const down = page.getByRole('spinbutton', { name: /Added latency down/ });
  await expect(up).toHaveValue('0');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('l');
  await expect(up).toHaveValue('500');
  await expect(down).toHaveValue('500');
  await expect(page.getByTestId('faults-status')).toContainText('Added latency: 500 ms each way.');
  await page.keyboard.press('l');
  await expect(up).toHaveValue('0');
  await expect(page.getByTestId('faults-status')).not.toContainText('Added latency');
  // Another page (here: the API itself) sets a fault: the panel shows it within a couple of seconds.
  await request.post('/api/faults', { data: { latencyMs: { up: 200 }, blockWebSockets: true } });
  await expect(up).toHaveValue('200', { timeout: 5_000 });
  await expect(page.getByRole('button', { name: 'Allow WebSockets' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(page.getByTestId('faults-status')).toContainText('WebSockets blocked');
});

test('demo heartbeats: a shortcut and a button set 2 s heartbeats for the half-open lesson', async ({
  page,
}) => {
  await openLab(page, 'fault-heartbeats');
  const hint = page.locator('#faults-half-open-hint');
  await expect(
    page.getByRole('button', { name: 'Go silent (half-open)' }),
  ).toHaveAccessibleDescription(/1 min 15 s \(WebSocket\)/);
  await expect(hint).toContainText('Demo heartbeats (key e): about 5 s.');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toContainText(
    'Demo heartbeats',
  );
  await page.keyboard.press('Escape');
  await page.keyboard.press('e');
  await page.getByRole('tab', { name: 'Server-Sent Events' }).click();
  await expect(page.getByRole('spinbutton', { name: /SSE heartbeat/ })).toHaveValue('2000');
  await page.getByRole('tab', { name: 'WebSocket' }).click();
  await expect(page.getByRole('spinbutton', { name: /WebSocket heartbeat/ })).toHaveValue('2000');
  await expect(hint).toHaveText(
    'Half-open is noticed after 2.5 heartbeats without a sign of life: now 5 s (Server-Sent Events), 5 s (WebSocket).',
  );
  await expect(page.getByRole('button', { name: 'Demo heartbeats (2 s)' })).toBeDisabled();
  await expect(page).toHaveURL(/sseHeartbeatMs=2000/);

  // The button does the same on a fresh page, and a running socket takes the new heartbeat.
  await openLab(page, 'fault-heartbeats-button');
  await page.getByRole('tab', { name: 'WebSocket' }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expectCounter(page, 'open-connections', (v) => v === 2);
  const reopened = page.waitForEvent('websocket', (ws) => /\/ws\?.*heartbeat=2000/.test(ws.url()));
  await page.getByRole('button', { name: 'Demo heartbeats (2 s)' }).click();
  await reopened;
  await expect(page.getByRole('spinbutton', { name: /WebSocket heartbeat/ })).toHaveValue('2000');
});
