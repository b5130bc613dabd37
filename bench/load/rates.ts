/**
 * The short-poll section: empty short polls a second under autocannon (run in a client
 * process), through the lab's `GET /api/channels/lobby/messages?since=<last>` with no
 * observer connected, then with one observer WebSocket on `/api/observe` (the cost of the
 * instrumentation), and through the bare Fastify route `{ messages: [], lastId: 0 }`.
 */
import type { RequestRateFigure } from '../../src/core/load-results';
import { rateEstimateMs } from './budget';
import type { LoadConfig } from './config';
import { closeAndAudit, server, type LoadStep, type RunContext } from './context';
import { send } from './pool';
import type { ClientResults, CpuReading } from './protocol';
import type { ServerKey } from './targets';

/** The lab's server used here: its long polls are done; its lobby has had no publish. */
const LAB: ServerKey = 'lab:long-poll';
const BARE: ServerKey = 'bare-fastify:long-poll';

async function cannon(
  run: RunContext,
  url: string,
  seconds: number,
): Promise<ClientResults['autocannon']> {
  const client = run.pool.clients[0]!;
  return client.request<ClientResults['autocannon']>(
    { op: 'autocannon', url, connections: run.config.rateConnections, seconds },
    (seconds + 30) * 1_000,
  );
}

/** CPU time between two readings, µs. */
const cpuSpent = (before: CpuReading, after: CpuReading): number =>
  after.user - before.user + (after.system - before.system);

async function measure(
  run: RunContext,
  key: ServerKey,
  figure: Pick<RequestRateFigure, 'subject' | 'variant'>,
  url: string,
): Promise<void> {
  run.log(
    `  ${figure.subject} ${figure.variant}: ${run.config.rateConnections} connections, ${run.config.rateSeconds} s`,
  );
  const target = server(run, key);
  const before = await target.cpu();
  const result = await cannon(run, url, run.config.rateSeconds);
  const spent = cpuSpent(before, await target.cpu());
  run.results.requestRate.push({
    ...figure,
    connections: run.config.rateConnections,
    requestsPerSecond: result.requestsPerSecond,
    latencyP99Ms: result.latencyP99Ms,
    ...(result.answered > 0 ? { cpuMicrosPerRequest: spent / result.answered } : {}),
  });
  if (result.non2xx > 0 || result.errors > 0) {
    run.results.notes.push(
      `${figure.subject} short poll (${figure.variant}): ${result.non2xx} answers were not 2xx and ${result.errors} requests failed; only 2xx answers are counted.`,
    );
  }
}

async function labRates(run: RunContext): Promise<void> {
  const lab = server(run, LAB);
  const answer = await send(`${lab.base}/api/channels/lobby/messages?since=0`);
  const lastId = Number((JSON.parse(answer.body) as { lastId?: unknown }).lastId ?? 0);
  const url = `${lab.base}/api/channels/lobby/messages?since=${lastId}`;
  if (run.config.rateWarmupSeconds > 0) await cannon(run, url, run.config.rateWarmupSeconds);
  await measure(run, LAB, { subject: 'lab', variant: 'observer-off' }, url);
  // The observer lives in another process than autocannon's, as a page would.
  const observerProcess = run.pool.clients.length > 1 ? 1 : 0;
  const { opened } = await run.pool.add(
    'observer',
    `${lab.base.replace(/^http/, 'ws')}/api/observe`,
    1,
    observerProcess,
  );
  if (opened !== 1) throw new Error('the observer WebSocket did not open');
  try {
    await measure(run, LAB, { subject: 'lab', variant: 'observer-on' }, url);
  } finally {
    await closeAndAudit(run, LAB);
  }
}

async function bareRate(run: RunContext): Promise<void> {
  const bare = server(run, BARE);
  const url = `${bare.base}/messages`;
  if (run.config.rateWarmupSeconds > 0) await cannon(run, url, run.config.rateWarmupSeconds);
  await measure(run, BARE, { subject: 'bare-fastify', variant: 'bare' }, url);
}

/** Runs one part of the section; what breaks is noted (the run goes on). */
async function ratePart(
  run: RunContext,
  name: string,
  part: (run: RunContext) => Promise<void>,
): Promise<void> {
  try {
    await part(run);
  } catch (err) {
    if (run.signal.aborted) throw err;
    run.results.notes.push(
      `short poll (${name}) stopped: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** Two steps: the lab's rates (observer off, then on), then the bare route's. */
export function rateSteps(config: LoadConfig): LoadStep[] {
  return [
    {
      label: 'Short polling, the lab: empty polls a second, with no observer and with one',
      estimateMs: rateEstimateMs(config, 2),
      priority: 1,
      run: async (run) => {
        run.log('short poll: requests a second (autocannon)');
        await ratePart(run, 'lab', labRates);
      },
    },
    {
      label: 'Short polling, bare Fastify: empty polls a second',
      estimateMs: rateEstimateMs(config, 1),
      priority: 1,
      run: (run) => ratePart(run, 'bare Fastify', bareRate),
    },
  ];
}
