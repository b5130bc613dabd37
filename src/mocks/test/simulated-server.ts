import { setupServer } from 'msw/node';
import { afterAll, beforeAll } from 'vitest';
import { simulatedServer } from '../handlers';
import { SimLab } from '../sim-lab';

/** The origin the simulation answers in a test: msw takes every request to it in the process. */
export const SIMULATED_BASE = 'http://lab.simulated';
export const SIMULATED_WS_BASE = 'ws://lab.simulated';

/**
 * The offline simulation, msw in Node, for the tests of one `describe`: listening from its
 * first test (an unhandled request is an error), closed with its lab after the last.
 */
export function useSimulatedServer(): SimLab {
  const lab = new SimLab();
  const server = setupServer(...simulatedServer(lab));
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => {
    lab.close();
    server.close();
  });
  return lab;
}
