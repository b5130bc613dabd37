import { expect, test, type APIRequestContext } from '@playwright/test';
import type { LiveRunBody } from '../src/core/load-live';
import type { LoadResults } from '../src/core/load-results';
import { memoryRows, verdicts } from '../src/core/load-view';

// The newest run of `npm run bench:load` committed in bench/results/ (the server's default folder).
test('the Lessons screen shows what a connection costs, from the newest load run', async ({
  page,
  request,
}) => {
  const answer = await request.get('/api/load/results');
  expect(answer.status(), 'a load run is committed in bench/results/').toBe(200);
  const results = (await answer.json()) as LoadResults;
  await page.goto('/?view=lessons');
  const lesson = page.getByRole('region', { name: 'What a connection costs' });
  await expect(lesson.getByTestId('load-results')).toBeVisible();
  await expect(lesson.getByTestId('load-machine')).toContainText(`${results.machine.cores} cores`);
  await expect(lesson.getByTestId('load-machine')).toContainText(`Node ${results.machine.node}`);
  // Every sentence the run supports, as the page words it.
  for (const line of verdicts(results)) {
    await expect(lesson.getByTestId('load-verdicts')).toContainText(line);
  }
  // A bar per figure of each technique: the lab's and each baseline's, with its value.
  for (const row of memoryRows(results)) {
    for (const figure of [row.lab, ...row.baselines]) {
      const bar = lesson.getByTestId(`load-bar-${row.technique}/${figure.subject}`);
      await expect(bar).toContainText(
        `${(figure.rssPerConnection / 1000).toLocaleString('en', { maximumFractionDigits: 1 })} KB`,
      );
    }
  }
  await expect(lesson.getByRole('img', { name: /^Fan-out/ })).toBeVisible();
  await expect(lesson.getByTestId('load-projection')).toContainText('connections per server');
});

/** Asks the server until no live run is running (another's, or one of this test's). */
async function untilNoLiveRun(request: APIRequestContext): Promise<LiveRunBody> {
  let body: LiveRunBody;
  for (const started = Date.now(); ;) {
    body = (await (await request.get('/api/load/run')).json()) as LiveRunBody;
    if (body.state !== 'running') return body;
    if (Date.now() - started > 30_000) throw new Error('a live run ran for more than 30 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// A live run of 20 connections per technique (`?loadClients=20`, README "Load lab"): about 15 s.
test('a live measurement runs from the button, with a moving progress bar, and its figures show labelled as live', async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  await untilNoLiveRun(request);
  await page.goto('/?view=lessons&loadClients=20');
  const lesson = page.getByRole('region', { name: 'What a connection costs' });
  await expect(lesson.getByTestId('load-results')).toBeVisible();
  const button = lesson.getByRole('button', { name: 'Run a live measurement', exact: true });
  const bar = lesson.getByTestId('load-live-progress');
  const status = lesson.getByTestId('load-live-status');
  await expect(bar).toHaveAttribute('aria-valuenow', '0');

  // One at a time: while another run is going, the button's run is refused in the server's words.
  const other = await request.post('/api/load/run', { data: { clients: 5 } });
  expect(other.status()).toBe(202);
  await button.click();
  await expect(status).toHaveText(
    'The lab server did not run it: a live load measurement is already running: wait for it to end (at most 20 s), then try again.',
  );
  await untilNoLiveRun(request);

  await expect(button).toBeEnabled();
  await button.click();
  await expect(button).toBeDisabled();
  await expect(status).toContainText('Step');
  // The bar moves forward through the steps to the end.
  const seen: number[] = [];
  await expect
    .poll(
      async () => {
        const value = Number(await bar.getAttribute('aria-valuenow'));
        seen.push(value);
        return value;
      },
      { timeout: 30_000, intervals: [200] },
    )
    .toBe(100);
  expect(seen.filter((v) => v > 0 && v < 100).length, seen.join(' ')).toBeGreaterThan(1);
  expect(seen).toEqual([...seen].sort((a, b) => a - b));
  await expect(status).toContainText(
    'connections per technique, measured on this machine just now.',
  );
  await expect(button).toBeEnabled();

  // The live figures in place of the committed run's, labelled as live, the server's own numbers.
  const answer = (await (await request.get('/api/load/run')).json()) as LiveRunBody;
  expect(answer.state).toBe('done');
  const results = answer.results!;
  expect(results.live).toBe(true);
  const live = lesson.getByTestId('load-live-results');
  await expect(live).toBeVisible();
  await expect(lesson.getByTestId('load-results')).toHaveCount(0);
  await expect(live.getByTestId('load-run-title')).toHaveText(
    'Live run of 20 connections per technique on this machine, started from this page (not saved)',
  );
  await expect(live.getByTestId('load-machine')).toContainText(`${results.machine.cores} cores`);
  await expect(live.getByRole('img', { name: /^Server heap per idle connection/ })).toBeVisible();
  for (const row of memoryRows(results)) {
    for (const figure of [row.lab, ...row.baselines]) {
      await expect(live.getByTestId(`load-bar-${row.technique}/${figure.subject}`)).toContainText(
        `${(figure.heapPerConnection / 1000).toLocaleString('en', { maximumFractionDigits: 1 })} KB`,
      );
    }
  }
  await expect(live.getByTestId('load-notes')).toContainText('A live run from the Lessons screen');

  // The learner switches between the two, each saying which it is.
  await lesson.getByRole('radio', { name: 'the committed run' }).check();
  await expect(lesson.getByTestId('load-results')).toBeVisible();
  await expect(lesson.getByTestId('load-run-title')).toHaveText(
    /^Committed run of npm run bench:load/,
  );
  await expect(live).toHaveCount(0);
  await lesson.getByRole('radio', { name: 'the live run' }).check();
  await expect(lesson.getByTestId('load-live-results')).toBeVisible();
});
