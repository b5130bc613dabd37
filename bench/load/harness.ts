/**
 * One load-lab run: starts the client processes and every server process (the lab's
 * server/main.ts per technique, and the baselines), runs the sections in turn — idle
 * connections with health and fan-out, short-poll rates, throughput, the Scaling lab's
 * delivery across gateways (on a `redis-server` of its own) — as steps, and stops every
 * process it started, whatever happens. Returns the results and the audit of what was left
 * open; prints nothing but progress through `log` (and tells it to `progress`). A run with a
 * `budget` (the lab's live run, live.ts) skips the steps that would not end in time.
 */
import { cpus, totalmem } from 'node:os';
import type { LoadProgress } from '../../src/core/load-live';
import type { LoadMachine, LoadResults } from '../../src/core/load-results';
import { fits, skippedNote } from './budget';
import { crossGatewayReceivers, type LoadConfig } from './config';
import type { Audit, LoadStep, RunContext } from './context';
import { heldSteps } from './held';
import { sourceAddresses } from './measure';
import { ClientPool } from './pool';
import { Processes, type ServerChild } from './processes';
import { rateSteps } from './rates';
import { supplyRedis, type RedisSupply } from './redis-supply';
import { scalingSteps } from './scaling';
import { processOf, SERVER_ENTRIES, type HeldTechnique, type ServerKey } from './targets';
import { throughputSteps } from './throughput';

export interface RunOutcome {
  results: LoadResults;
  audit: Audit & {
    /** Every child process the run started. */
    pids: number[];
  };
}

/**
 * A run bounded in time (the lab's live run), both moments in ms since the epoch: no step is
 * started that is not expected to end by `planUntil` (it is skipped, with a note, and the run
 * goes on to the next); at `stopAt` the step running is cut, everything is stopped, and the
 * run returns what it measured, with a note.
 */
export interface RunBudget {
  planUntil: number;
  stopAt: number;
}

export interface RunOptions {
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Told when the run starts its processes, before each step, and at its end (done = total). */
  progress?: (progress: LoadProgress) => void;
  budget?: RunBudget;
  /** The held techniques measured (all three by default). */
  techniques?: readonly HeldTechnique[];
}

export function machine(): LoadMachine {
  const cpu = cpus();
  return {
    cores: cpu.length,
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpu[0]?.model.trim() ?? 'unknown',
  };
}

/** The environment of each server: its entry's, and the Scaling-lab server's Redis. */
function serverEnv(key: ServerKey, redis: RedisSupply): Record<string, string> {
  const { env } = SERVER_ENTRIES[key];
  // Without a Redis ('') the section asks for no Redis topology.
  return key === 'lab:scale' ? { ...env, LAB_REDIS_URL: redis.url ?? '' } : env;
}

/** Starts every server process the run needs (one per key, or shared: targets.ts `processOf`). */
async function startServers(
  processes: Processes,
  config: LoadConfig,
  notes: string[],
  redis: RedisSupply,
): Promise<Map<ServerKey, ServerChild>> {
  const keys = Object.keys(SERVER_ENTRIES) as ServerKey[];
  const own = [...new Set(keys.map((key) => processOf(key, config.shareServerProcesses)))];
  const started = new Map<ServerKey, ServerChild>();
  await Promise.all(
    own.map(async (key) => {
      const { entry } = SERVER_ENTRIES[key];
      try {
        started.set(key, await processes.startServer(key, entry, serverEnv(key, redis)));
      } catch (err) {
        notes.push(
          `The ${key} server did not start: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }),
  );
  const servers = new Map<ServerKey, ServerChild>();
  for (const key of keys) {
    const child = started.get(processOf(key, config.shareServerProcesses));
    if (child) servers.set(key, child);
  }
  if (config.shareServerProcesses) {
    notes.push(
      'Each subject ran all its techniques in one server process, one after another (to start fewer processes): its RSS keeps what the technique before freed, so read the heap figures.',
    );
  }
  return servers;
}

function emptyResults(config: LoadConfig): RunContext['results'] {
  return {
    format: 'realtime-lab-load',
    version: 1,
    machine: machine(),
    memory: [],
    fanOut: [],
    requestRate: [],
    throughput: [],
    crossGateway: [],
    settings: {
      clients: config.clients,
      clientProcesses: config.clientProcesses,
      sourceAddresses: config.sourceAddresses,
      fanOutPublishes: config.fanOutPublishes,
      rateConnections: config.rateConnections,
      rateSeconds: config.rateSeconds,
      throughputReceivers: config.throughputReceivers,
      crossGatewayReceivers: crossGatewayReceivers(config),
    },
    notes: [],
  };
}

/** Every step of the run, in the bench's order; a bounded run puts what matters most first. */
export function planSteps(
  config: LoadConfig,
  techniques: readonly HeldTechnique[],
  bounded: boolean,
): LoadStep[] {
  const steps = [
    ...heldSteps(config, techniques),
    ...rateSteps(config),
    ...throughputSteps(config),
    ...scalingSteps(config),
  ];
  return bounded ? steps.sort((a, b) => a.priority - b.priority) : steps;
}

/**
 * Runs the steps in turn, telling the progress before each (and `at` what runs). A bounded
 * run skips a step that would not end by `planUntil`, with a note, and goes on to the next.
 */
async function runSteps(
  run: RunContext,
  steps: readonly LoadStep[],
  options: RunOptions,
  at: { section: string },
): Promise<void> {
  const total = steps.length + 1;
  for (const [i, step] of steps.entries()) {
    run.signal.throwIfAborted();
    at.section = step.label;
    options.progress?.({ done: i + 1, total, section: step.label });
    const now = Date.now();
    if (options.budget && !fits(now, step.estimateMs, options.budget.planUntil)) {
      run.results.notes.push(
        skippedNote(step.label, step.estimateMs, options.budget.planUntil - now),
      );
      continue;
    }
    await step.run(run);
  }
  at.section = 'stopping every process';
  options.progress?.({ done: total, total, section: at.section });
}

function closingNotes(run: Pick<RunContext, 'results' | 'audit'>): void {
  if (run.audit.dropped > 0) {
    run.results.notes.push(
      `${run.audit.dropped} client connections were ended by their server during the run (a slow consumer cut, a missed pong).`,
    );
  }
}

/** An abort at `stopAt` (none without a budget); `clear` when the run is over. */
function cutAt(budget: RunBudget | undefined): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  if (!budget) return { signal: controller.signal, clear: () => undefined };
  const timer = setTimeout(
    () => controller.abort(new Error("the run's time limit")),
    Math.max(0, budget.stopAt - Date.now()),
  );
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

async function startRun(
  config: LoadConfig,
  processes: Processes,
  parts: Pick<RunContext, 'results' | 'audit' | 'signal' | 'log'>,
): Promise<RunContext> {
  const redisSupply = config.crossGatewayRedis
    ? supplyRedis(processes, process.env)
    : Promise.resolve<RedisSupply>({ url: null, why: 'the run was set up without it' });
  const [clients, [servers, redis]] = await Promise.all([
    Promise.all(
      Array.from({ length: config.clientProcesses }, (_, i) =>
        processes.startClient(`client-${i + 1}`),
      ),
    ),
    redisSupply.then(
      async (redis) =>
        [await startServers(processes, config, parts.results.notes, redis), redis] as const,
    ),
  ]);
  const pool = new ClientPool(clients, sourceAddresses(config.sourceAddresses), config);
  return { config, pool, servers, redis, ...parts };
}

/** `starting 2 client processes and 7 servers`: the processes the run starts. */
function startingLabel(config: LoadConfig): string {
  const keys = Object.keys(SERVER_ENTRIES) as ServerKey[];
  const servers = new Set(keys.map((key) => processOf(key, config.shareServerProcesses))).size;
  const clients = config.clientProcesses;
  return `starting ${clients} client process${clients === 1 ? '' : 'es'} and ${servers} server${servers === 1 ? '' : 's'}`;
}

/** Runs the whole load lab once; rejects only when the harness itself breaks (or is stopped). */
export async function runLoadLab(
  config: LoadConfig,
  options: RunOptions = {},
): Promise<RunOutcome> {
  const started = Date.now();
  const processes = new Processes();
  const cut = cutAt(options.budget);
  const signal = options.signal ? AbortSignal.any([options.signal, cut.signal]) : cut.signal;
  const log = options.log ?? (() => undefined);
  const results = emptyResults(config);
  const audit: Audit = { serverSockets: [], clientSockets: [], dropped: 0 };
  const techniques = options.techniques ?? ['websocket', 'sse', 'long-poll'];
  const steps = planSteps(config, techniques, options.budget !== undefined);
  const at = { section: startingLabel(config) };
  const stopOnAbort = (): void => void processes.stopAll();
  signal.addEventListener('abort', stopOnAbort);
  try {
    log(at.section);
    options.progress?.({ done: 0, total: steps.length + 1, section: at.section });
    const run = await startRun(config, processes, { results, audit, signal, log });
    await runSteps(run, steps, options, at);
    closingNotes(run);
  } catch (err) {
    // The run's own time limit: what was measured is returned. Any other abort or break is thrown.
    if (!cut.signal.aborted || options.signal?.aborted) throw err;
    results.notes.push(
      `Stopped at the run's time limit during: ${at.section}; nothing after it was measured.`,
    );
  } finally {
    cut.clear();
    signal.removeEventListener('abort', stopOnAbort);
    await processes.stopAll();
  }
  const { format, version, machine: where, ...figures } = results;
  return {
    results: {
      format,
      version,
      measuredAt: new Date().toISOString(),
      machine: where,
      durationMs: Date.now() - started,
      ...figures,
    },
    audit: { ...audit, pids: processes.pids },
  };
}
