import { describe, it } from 'vitest';
import {
  REFUSAL_CASES,
  SCENARIO_CASES,
  expectRefusal,
  type ContractTarget,
} from '../../server/test/contract-cases';
import { SIMULATED_BASE, SIMULATED_WS_BASE, useSimulatedServer } from './test/simulated-server';

// The same cases run against the lab server (server/contract.test.ts): the two cannot drift.
describe('the API contract, on the offline simulation (msw in Node)', () => {
  useSimulatedServer();
  // No socket is ever opened: msw answers every request to this origin in the process.
  const target: ContractTarget = { base: SIMULATED_BASE, wsBase: SIMULATED_WS_BASE };
  let n = 0;

  it.each(REFUSAL_CASES)('refuses $name with its status and code', (c) => expectRefusal(target, c));
  it.each(SCENARIO_CASES)('$name', ({ run }) => run(target, `contract-${(n += 1)}`));
});
