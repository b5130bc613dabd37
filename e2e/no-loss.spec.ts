import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { seededRandom } from '../src/core/schedule';

const TECHNIQUES = ['short-poll', 'long-poll', 'sse', 'websocket'] as const;
const MESSAGES = 1000;
const RECEIVERS = ['bob', 'carol'];

test.afterEach(async ({ request }) => {
  await request.post('/api/faults', { data: { blockWebSockets: false } });
});

test('1,000 messages reach every receiver of every technique exactly once, in order, through random faults', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto(`/?view=compare&channel=e2e-no-loss-${Date.now().toString(36)}`);
  // Quick reconnects, so that a fault costs little time.
  await page.getByRole('tab', { name: 'Playground' }).click();
  for (const [name, value] of [
    [/Backoff base/, '100'],
    [/Backoff cap/, '1000'],
  ] as const) {
    const box = page.getByRole('spinbutton', { name });
    await box.fill(value);
    await box.press('Enter');
  }
  await page.getByRole('tab', { name: 'Compare all four' }).click();
  for (const [name, value] of [
    [/Receivers/, String(RECEIVERS.length)],
    [/Messages/, String(MESSAGES)],
    [/Rate/, '50'],
  ] as const) {
    const box = page.getByRole('spinbutton', { name });
    await box.fill(value);
    await box.press('Enter');
  }
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('compare-progress')).toHaveText(/^[1-9]\d* of 1000/, {
    timeout: 10_000,
  });

  // Faults at seeded random moments while the schedule plays (about 20 s).
  const random = seededRandom(1129);
  const fired: string[] = [];
  let blocked = false;
  while (Number(await page.getByTestId('compare-progress').getAttribute('data-value')) < 900) {
    await page.waitForTimeout(400 + random() * 600);
    const pick = random();
    if (pick < 0.5) {
      fired.push('drop');
      await page.request.post('/api/faults', { data: { drop: true } });
    } else if (pick < 0.75) {
      const downForMs = Math.round(200 + random() * 600);
      fired.push(`restart ${downForMs}`);
      await page.request.post('/api/faults', { data: { restart: { downForMs } } });
    } else {
      blocked = !blocked;
      fired.push(blocked ? 'block' : 'unblock');
      await page.request.post('/api/faults', { data: { blockWebSockets: blocked } });
    }
  }
  await page.request.post('/api/faults', { data: { blockWebSockets: false } });
  expect(fired.length, fired.join(', ')).toBeGreaterThanOrEqual(8);

  // The run stops by itself once every receiver has every message.
  await expect(page.getByRole('button', { name: 'Start' })).toBeVisible({ timeout: 30_000 });
  for (const technique of TECHNIQUES) {
    await expect(page.getByTestId(`compare-${technique}-delivered`)).toHaveAttribute(
      'data-value',
      String(MESSAGES * RECEIVERS.length),
    );
  }

  // Exactly once and in order: each receiver's first deliveries, in trace order, are 1…1000.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export trace' }).click();
  const file = JSON.parse(readFileSync((await (await download).path())!, 'utf8')) as {
    events: Array<{
      seq: number;
      observer: string;
      technique: string | null;
      actor: string;
      kind: string;
      messageIds?: number[];
      details?: { duplicate?: boolean };
    }>;
  };
  const expected = Array.from({ length: MESSAGES }, (_, i) => i + 1);
  for (const technique of TECHNIQUES) {
    for (const actor of RECEIVERS) {
      const ids = file.events
        .filter(
          (e) =>
            e.observer === 'client' &&
            e.technique === technique &&
            e.actor === actor &&
            e.kind === 'deliver' &&
            !e.details?.duplicate,
        )
        .sort((a, b) => a.seq - b.seq)
        .flatMap((e) => e.messageIds ?? []);
      expect(ids, `${technique} ${actor}`).toEqual(expected);
    }
  }
});
