import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { StormResult, StormSettings } from '../src/core';
import { runStorms } from './storm-run';
import { STORM_LIMITS } from './storm-schemas';

const WORKER_ROLE = 'realtime-lab-storm';

interface WorkerInput {
  role: typeof WORKER_ROLE;
  settings: StormSettings;
  limitMs: number;
  /** tsx's loader API, registered in the worker when this file is TypeScript. */
  tsxApi: string | null;
  entry: string;
}

/**
 * The worker's first code. Worker threads do not inherit tsx's loader
 * (`node --import tsx` registers it on the main thread only), so when this
 * file is TypeScript the worker registers tsx itself, then loads this file
 * and calls `serveStormInWorker` (importing it starts nothing).
 */
const WORKER_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  (await import(workerData.entry)).serveStormInWorker();
})();
`;

function tsxApiUrl(): string | null {
  if (!import.meta.url.endsWith('.ts')) return null;
  return import.meta.resolve('tsx/esm/api');
}

/** Inside the storm worker: runs both storms, posts the result, and lets the thread end. */
export function serveStormInWorker(): void {
  if (isMainThread || (workerData as Partial<WorkerInput> | null)?.role !== WORKER_ROLE) return;
  const input = workerData as WorkerInput;
  void runStorms(input.settings, input.limitMs).then((result) => parentPort?.postMessage(result));
}

/**
 * Runs both storms in a worker thread and resolves with their result. The
 * worker is terminated (closing whatever it still holds) if it outlives both
 * runs' limits plus a margin, or when `signal` aborts.
 */
export function runStormsInWorker(
  settings: StormSettings,
  options: { limitMs?: number; signal?: AbortSignal } = {},
): Promise<StormResult> {
  const limitMs = options.limitMs ?? STORM_LIMITS.runLimitMs;
  const input: WorkerInput = {
    role: WORKER_ROLE,
    settings,
    limitMs,
    tsxApi: tsxApiUrl(),
    entry: import.meta.url,
  };
  return new Promise<StormResult>((resolve, reject) => {
    const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: input });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(hardStop);
      options.signal?.removeEventListener('abort', abort);
      outcome();
      void worker.terminate();
    };
    const hardStop = setTimeout(
      () => settle(() => reject(new Error('the storm worker outlived its time limit'))),
      2 * limitMs + 15_000,
    );
    const abort = () => settle(() => reject(new Error('the storm was stopped')));
    options.signal?.addEventListener('abort', abort);
    worker.once('message', (result: StormResult) => settle(() => resolve(result)));
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`the storm worker exited (${code}) without a result`))),
    );
  });
}
