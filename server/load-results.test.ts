import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoadResults } from '../src/core/load-results';
import { startApp, type Running } from './test/helpers';

function run(measuredAt: string): LoadResults {
  return {
    format: 'realtime-lab-load',
    version: 1,
    measuredAt,
    machine: { cores: 2, memoryBytes: 1e9, node: 'v20', platform: 'linux', cpu: 'x' },
    durationMs: 1,
    memory: [],
    fanOut: [],
    requestRate: [],
    throughput: [],
    notes: [],
  };
}

describe('GET /api/load/results', () => {
  let running: Running | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await running?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers the newest load run that reads as one, passing over what does not', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rl-load-'));
    writeFileSync(join(dir, 'load-2026-12-01T10-00-00Z.json'), JSON.stringify(run('older')));
    writeFileSync(join(dir, 'load-2026-12-02T10-00-00Z.json'), JSON.stringify(run('newest')));
    writeFileSync(join(dir, 'load-2026-12-03T10-00-00Z.json'), '{ not json');
    writeFileSync(join(dir, 'load-2026-12-04T10-00-00Z.json'), JSON.stringify({ format: 'other' }));
    writeFileSync(join(dir, 'notes.json'), JSON.stringify(run('not a results file name')));
    running = await startApp({ loadResultsDir: dir });
    const response = await fetch(`${running.base}/api/load/results`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as LoadResults).measuredAt).toBe('newest');
  });

  it('says there is nothing yet, with its code, when no run was written', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rl-load-'));
    running = await startApp({ loadResultsDir: dir });
    const response = await fetch(`${running.base}/api/load/results`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { code: string }).code).toBe('RL_ERR_NO_LOAD_RESULTS');
  });
});
