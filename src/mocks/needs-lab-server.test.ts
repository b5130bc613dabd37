import { describe, expect, it } from 'vitest';
import { SIMULATED_BASE, useSimulatedServer } from './test/simulated-server';

const base = SIMULATED_BASE;

describe('what only the lab server can do, on the offline simulation', () => {
  useSimulatedServer();

  it.each([
    ['POST', '/api/load/run', '{"clients":20}'],
    ['GET', '/api/load/run', undefined],
    ['GET', '/api/load/results', undefined],
    ['POST', '/api/storm', '{}'],
  ] as const)('%s %s answers 501 RL_ERR_NEEDS_LAB_SERVER', async (method, path, body) => {
    const response = await fetch(`${base}${path}`, {
      method,
      ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
    });
    expect(response.status).toBe(501);
    const answer = (await response.json()) as { code: string; error: string };
    expect(answer.code).toBe('RL_ERR_NEEDS_LAB_SERVER');
    expect(answer.error).toContain('needs the lab server');
  });
});
