import { expect, test, type Page } from '@playwright/test';
import { HashRing } from '../src/core/hash-ring';
import { counterValue, expectCounter } from './helpers';

/**
 * The Scaling lab screen against a live topology: three gateways on the memory
 * broker behind the balancer, Alice, Bob and Carol connected through it over
 * WebSockets. Who lands where is not luck: under consistent hashing it is the
 * ring's (src/core/hash-ring.ts), which this spec asks before relying on it.
 */

const THREE = ['gateway-1', 'gateway-2', 'gateway-3'];
const ring = new HashRing(THREE);
const aliceOn = ring.lookup('alice')!;
const bobOn = ring.lookup('bob')!;
/** Where Bob goes when his gateway dies: the next gateway clockwise that is up. */
const bobNext = ring.lookupWhere('bob', (name) => name !== bobOn)!;

test.afterEach(async ({ request }) => {
  // Whatever happened, no topology outlives its test.
  await request.delete('/api/scale').catch(() => undefined);
});

function registryRow(page: Page, user: string) {
  return page.getByTestId('registry-row').and(page.locator(`[data-user="${user}"]`));
}

function inboxTexts(page: Page, user: string) {
  return page.getByTestId(`inbox-${user}`).locator('li:not(.inbox__empty)');
}

async function send(page: Page, text: string) {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}

async function startThreeGateways(page: Page) {
  await page.goto('/?view=scale');
  await expect(page.getByRole('tab', { name: 'Scaling lab' })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await expect(page.getByLabel('Gateways', { exact: true })).toHaveValue('3');
  await expect(page.getByLabel('Policy')).toHaveValue('consistent-hash');
  await page.getByLabel('Broker').selectOption('memory');
  await page.getByRole('button', { name: 'Start topology' }).click();
  await expect(page.getByRole('list', { name: 'Gateways' }).getByRole('listitem')).toHaveCount(3);
}

async function startWebSocketRun(page: Page) {
  await page.getByRole('tab', { name: 'WebSocket' }).click();
  await page.getByRole('button', { name: 'Start run' }).click();
  await expect(page.getByTestId('scale-run-state')).toHaveAttribute('data-value', 'running');
  await expect(registryRow(page, 'alice')).toHaveAttribute('data-gateway', aliceOn);
  await expect(registryRow(page, 'bob')).toHaveAttribute('data-gateway', bobOn);
}

test('a message crosses gateways through the broker; a killed gateway loses nothing; adding one moves few users', async ({
  page,
}) => {
  test.setTimeout(60_000);
  expect(aliceOn, 'the ring puts Alice and Bob on different gateways').not.toBe(bobOn);

  await startThreeGateways(page);
  await startWebSocketRun(page);

  await expectCounter(page, `open-${bobOn}`, (v) => v >= 1, `Bob's socket on ${bobOn}`);
  await send(page, 'hello bob');
  await expect(inboxTexts(page, 'bob')).toHaveText([/hello bob/]);
  await expectCounter(page, 'cross-gateway', (v) => v >= 1, 'a delivery crossed gateways');

  // Bob's gateway crashes: he reconnects through the balancer onto the next one on the ring.
  await page.getByRole('button', { name: `Kill ${bobOn}` }).click();
  await expect(page.getByTestId(`gateway-${bobOn}`)).toHaveAttribute('data-up', 'false');
  await expect(registryRow(page, 'bob')).toHaveAttribute('data-gateway', bobNext, {
    timeout: 15_000,
  });
  await send(page, 'after the crash');
  await expect(inboxTexts(page, 'bob')).toHaveText([/after the crash/, /hello bob/]);
  await expect(inboxTexts(page, 'carol')).toHaveText([/after the crash/, /hello bob/]);
  expect(await counterValue(page, 'duplicates')).toBe(0);
  await expectCounter(page, 'reconnects', (v) => v >= 1, 'Bob reconnected');
  await expectCounter(page, 'delivered', (v) => v === 4, 'Bob and Carol got both, once each');

  // Under consistent hashing, a fourth gateway takes only the users in front of its points.
  await page.getByRole('button', { name: `Restart ${bobOn}` }).click();
  await expect(page.getByTestId(`gateway-${bobOn}`)).toHaveAttribute('data-up', 'true');
  const users = ['alice', 'bob', 'carol'];
  const four = new HashRing([...THREE, 'gateway-4']);
  const expectedMoved = users.filter((u) => ring.lookup(u) !== four.lookup(u)).length;
  await page.getByRole('button', { name: 'Add gateway' }).click();
  const moved = page.getByTestId('users-moved');
  await expect(moved).toHaveText(`gateway-4 added: ${expectedMoved} of 3 users moved`);
  await expect(moved).toHaveAttribute('data-value', String(expectedMoved));
});

test('the hash ring and the registry show where each user maps', async ({ page }) => {
  await startThreeGateways(page);
  const svg = page.getByRole('img', { name: 'Hash ring' });
  await expect(svg.locator('line').first()).toBeAttached();
  await expect(svg.locator('[data-user="bob"]')).toHaveAttribute('data-gateway', bobOn);
  await expect(svg.locator('[data-user="alice"]')).toHaveAttribute('data-gateway', aliceOn);
  // A killed gateway's users map to the next one up.
  await page.getByRole('button', { name: `Kill ${bobOn}` }).click();
  await expect(svg.locator('[data-user="bob"]')).toHaveAttribute('data-gateway', bobNext);
});

test('a refusal is shown in the server’s words; gateways are removed, killed and restarted', async ({
  page,
  request,
}) => {
  await page.goto('/?view=scale');
  await expect(page.getByRole('button', { name: 'Start topology' })).toBeVisible();
  // Another client starts a topology meanwhile: this page's Start is refused (409).
  expect((await request.post('/api/scale', { data: { gateways: 2 } })).status()).toBe(201);
  const refusal = await request.post('/api/scale', { data: {} });
  const { error } = (await refusal.json()) as { error: string };
  await page.getByRole('button', { name: 'Start topology' }).click();
  const notice = page.getByTestId('scale-notice');
  await expect(notice).toHaveAttribute('data-code', 'RL_ERR_SCALE_RUNNING');
  await expect(notice).toHaveText(error);

  // Opened again, the page picks up the running topology.
  await page.reload();
  await expect(page.getByRole('button', { name: 'Stop topology' })).toBeVisible();
  await expect(page.getByRole('list', { name: 'Gateways' }).getByRole('listitem')).toHaveCount(2);
  await page.getByRole('button', { name: 'Remove gateway-1' }).click();
  await expect(page.getByRole('list', { name: 'Gateways' }).getByRole('listitem')).toHaveCount(1);
  await expect(page.getByTestId('users-moved')).toHaveText(
    /^gateway-1 removed: 0 of 0 users moved$/,
  );
  await page.getByRole('button', { name: 'Kill gateway-2' }).click();
  await expect(page.getByTestId('gateway-gateway-2')).toHaveAttribute('data-up', 'false');
  await page.getByRole('button', { name: 'Restart gateway-2' }).click();
  await expect(page.getByTestId('gateway-gateway-2')).toHaveAttribute('data-up', 'true');
  await page.getByRole('button', { name: 'Stop topology' }).click();
  await expect(page.getByRole('button', { name: 'Start topology' })).toBeVisible();
  expect((await request.get('/api/scale')).status()).toBe(404);
});

test('with the broker down Bob on another gateway gets the message only after Broker up', async ({
  page,
}) => {
  await startThreeGateways(page);
  await startWebSocketRun(page);
  await page.getByRole('button', { name: 'Broker down' }).click();
  await expect(page.getByTestId('broker-state')).toHaveAttribute('data-value', 'down');
  await send(page, 'kept in the history');
  await page.waitForTimeout(500);
  await expect(inboxTexts(page, 'bob')).toHaveCount(0);
  await page.getByRole('button', { name: 'Broker up' }).click();
  await expect(page.getByTestId('broker-state')).toHaveAttribute('data-value', 'up');
  await expect(inboxTexts(page, 'bob')).toHaveText([/kept in the history/]);
  await send(page, 'after the pause');
  await expect(inboxTexts(page, 'bob')).toHaveText([
    /#2 after the pause/,
    /#1 kept in the history/,
  ]);

  // Any step opens in the inspector; Esc closes it.
  const drawing = page.getByRole('img', { name: /^Sequence diagram/ });
  await drawing.locator('[data-kind="ws-frame"]').last().click();
  await expect(page.getByTestId('inspector')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('inspector')).toBeHidden();
});

test('with the broker off nothing crosses: Bob never gets the message sent meanwhile', async ({
  page,
}) => {
  await startThreeGateways(page);
  await startWebSocketRun(page);
  const off = page.getByRole('button', { name: 'Broker off' });
  await off.click();
  await expect(off).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('broker-state')).toHaveAttribute('data-value', 'off');
  await send(page, 'stays on its gateway');
  await page.waitForTimeout(800);
  await expect(inboxTexts(page, 'bob')).toHaveCount(0);
  await off.click();
  await expect(off).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('broker-state')).toHaveAttribute('data-value', 'up');
  await send(page, 'crosses again');
  await expect(inboxTexts(page, 'bob')).toHaveText([/crosses again/]);
  // Not even afterwards: the message sent while off never reaches another gateway.
  await page.waitForTimeout(500);
  await expect(inboxTexts(page, 'bob')).toHaveCount(1);
});

test('layer 7 without WebSocket support: the WebSocket run falls back to long polling, and still delivers', async ({
  page,
}) => {
  await startThreeGateways(page);
  await page.getByLabel('Policy').selectOption('l7-no-upgrade');
  await expect(page.getByLabel('Policy')).toHaveValue('l7-no-upgrade');
  await page.getByRole('tab', { name: 'WebSocket' }).click();
  await page.getByRole('button', { name: 'Start run' }).click();
  const drawing = page.getByRole('img', { name: /^Sequence diagram/ });
  await expect(drawing.locator('[data-kind="fallback"]').first()).toBeAttached({ timeout: 15_000 });
  await send(page, 'over long polls');
  await expect(inboxTexts(page, 'bob')).toHaveText([/over long polls/], { timeout: 15_000 });
});

test('the same crossing on a real Redis broker', async ({ page }) => {
  await page.goto('/?view=scale');
  await page.getByLabel('Broker').selectOption('redis');
  await page.getByRole('button', { name: 'Start topology' }).click();
  await expect(page.getByRole('list', { name: 'Gateways' }).getByRole('listitem')).toHaveCount(3, {
    timeout: 15_000,
  });
  await expect(page.getByTestId('scale-topology')).toContainText('broker redis');
  await startWebSocketRun(page);
  await send(page, 'through redis');
  await expect(inboxTexts(page, 'bob')).toHaveText([/through redis/]);
  await expectCounter(page, 'cross-gateway', (v) => v >= 1, 'a delivery crossed gateways');
});

test.describe('on a phone, 390×844', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the Scaling lab does not scroll sideways', async ({ page }) => {
    await page.goto('/?view=scale');
    await expect(page.getByRole('img', { name: 'Hash ring' })).toBeVisible();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
  });
});
