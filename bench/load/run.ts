/**
 * `npm run bench:load`: what a connection costs the lab, measured against bare ws, bare
 * Fastify and Socket.IO in the same run (README, "Load lab"). Prints the comparison,
 * writes `bench/results/load-<date>.json`, exits 0; non-zero only when the harness itself
 * breaks (130 when stopped with Ctrl-C). Everything it starts is stopped before it exits.
 *
 *   npm run bench:load                       # N = 1,000 / 5,000 / 10,000
 *   LOAD_CLIENTS=1000,5000 npm run bench:load
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { configFromEnv } from './config';
import { runLoadLab } from './harness';
import { REPO } from './processes';
import { formatReport, resultsFileName } from './table';

/** The results as the repository's Prettier writes JSON, so that `npm run lint` passes the file as it is. */
async function asPrettierJson(value: unknown, file: string): Promise<string> {
  const json = `${JSON.stringify(value, null, 2)}\n`;
  try {
    return await format(json, { ...(await resolveConfig(file)), parser: 'json' });
  } catch {
    return json;
  }
}

async function main(): Promise<number> {
  const config = configFromEnv(process.env);
  const controller = new AbortController();
  let signals = 0;
  const stop = (): void => {
    signals += 1;
    if (signals > 1) process.exit(130);
    console.error('stopping: closing every client and server this run started…');
    controller.abort(new Error('stopped by a signal'));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // A promise nobody awaited that failed is a harness bug: everything is stopped, the run fails.
  process.on('unhandledRejection', (err) => {
    if (controller.signal.aborted) return;
    console.error('the load lab broke:', err);
    controller.abort(err);
  });
  try {
    const { results } = await runLoadLab(config, {
      signal: controller.signal,
      log: (line) => console.error(line),
    });
    console.log(formatReport(results));
    if (config.outDir !== null) {
      const dir = join(REPO, config.outDir);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, resultsFileName(results.measuredAt));
      writeFileSync(file, await asPrettierJson(results, file));
      console.log(`\nwritten: ${relative(process.cwd(), file)}`);
    }
    return 0;
  } catch (err) {
    if (controller.signal.aborted) return signals > 0 ? 130 : 1;
    console.error(
      `the load lab broke: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return 1;
  }
}

// Exit at once: nothing of the run is left to wait for (every child was stopped).
process.exit(await main());
