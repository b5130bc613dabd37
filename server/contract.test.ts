import { afterAll, beforeAll, describe, it } from 'vitest';
import { REFUSAL_CASES, SCENARIO_CASES, expectRefusal } from './test/contract-cases';
import { startApp, type Running } from './test/helpers';

// The same cases run against the offline simulation (src/mocks/contract.test.ts).
describe('the API contract, on the lab server', () => {
  let running: Running;
  let n = 0;
  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(() => running.close());

  it.each(REFUSAL_CASES)('refuses $name with its status and code', (c) =>
    expectRefusal(running, c),
  );
  it.each(SCENARIO_CASES)('$name', ({ run }) => run(running, `contract-${(n += 1)}`));
});
