import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  REFUSAL_CASES,
  SCENARIO_CASES,
  expectRefusal,
  type ContractTarget,
} from '../../server/test/contract-cases';
import { simulatedServer } from './handlers';
import { SimLab } from './sim-lab';

// The same cases run against the lab server (server/contract.test.ts): the two cannot drift.
describe('the API contract, on the offline simulation (msw in Node)', () => {
  const lab = new SimLab();
  const server = setupServer(...simulatedServer(lab));
  // No socket is ever opened: msw answers every request to this origin in the process.
  const target: ContractTarget = { base: 'http://lab.simulated', wsBase: 'ws://lab.simulated' };
  let n = 0;
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => {
    lab.close();
    server.close();
  });

  it.each(REFUSAL_CASES)('refuses $name with its status and code', (c) => expectRefusal(target, c));
  it.each(SCENARIO_CASES)('$name', ({ run }) => run(target, `contract-${(n += 1)}`));
});
