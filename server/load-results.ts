import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { labError } from '../src/core';
import type { LoadResults } from '../src/core/load-results';
import { isLoadResults } from '../src/core/load-view';

/** A results file of `npm run bench:load`: `load-<date>.json`, newest last by name. */
const RESULTS_FILE = /^load-[0-9TZ:.-]+\.json$/;

/**
 * The newest load run in `dir` that reads as one, or null when there is none (a file that
 * does not parse, or is not a load run, is passed over, never served).
 */
export async function newestLoadResults(dir: string): Promise<LoadResults | null> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => RESULTS_FILE.test(name)).sort();
  } catch {
    return null;
  }
  for (const name of names.reverse()) {
    try {
      const value: unknown = JSON.parse(await readFile(join(dir, name), 'utf8'));
      if (isLoadResults(value)) return value;
    } catch {
      // Not JSON: the next older one.
    }
  }
  return null;
}

/** `GET /api/load/results`: the newest run of the load lab on this machine (protocol.md, "Load lab"). */
export const loadResultsPlugin: FastifyPluginAsync = async (app) => {
  const dir = app.lab.options.loadResultsDir;
  app.get('/api/load/results', async () => {
    const results = dir === null ? null : await newestLoadResults(dir);
    if (!results) throw labError('NO_LOAD_RESULTS');
    return results;
  });
};
