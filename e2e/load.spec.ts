import { expect, test } from '@playwright/test';
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
