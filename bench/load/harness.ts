/**
 * One load-lab run: starts the client processes and every server process (the lab's
 * server/main.ts per technique, and the baselines), runs the sections in turn — idle
 * connections with health and fan-out, short-poll rates, throughput — and stops every
 * process it started, whatever happens. Returns the results and the audit of what was
 * left open; prints nothing but progress through `log`.
 */
import { cpus, totalmem } from 'node:os';
import type { LoadMachine, LoadResults } from '../../src/core/load-results';
import type { LoadConfig } from './config';
import type { Audit, RunContext } from './context';
import { heldSection } from './held';
import { sourceAddresses } from './measure';
import { ClientPool } from './pool';
import { Processes, type ServerChild } from './processes';
import { rateSection } from './rates';
import { SERVER_ENTRIES, type HeldTechnique, type ServerKey } from './targets';
import { throughputSection } from './throughput';

export interface RunOutcome {
  results: LoadResults;
  audit: Audit & {
    /** Every child process the run started. */
    pids: number[];
  };
}

export interface RunOptions {
  signal?: AbortSignal;
  log?: (line: string) => void;
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

async function startServers(
  processes: Processes,
  notes: string[],
): Promise<Map<ServerKey, ServerChild>> {
  const servers = new Map<ServerKey, ServerChild>();
  await Promise.all(
    (Object.keys(SERVER_ENTRIES) as ServerKey[]).map(async (key) => {
      const { entry, env } = SERVER_ENTRIES[key];
      try {
        servers.set(key, await processes.startServer(key, entry, env));
      } catch (err) {
        notes.push(
          `The ${key} server did not start: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }),
  );
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
    settings: {
      clients: config.clients,
      clientProcesses: config.clientProcesses,
      sourceAddresses: config.sourceAddresses,
      fanOutPublishes: config.fanOutPublishes,
      rateConnections: config.rateConnections,
      rateSeconds: config.rateSeconds,
      throughputReceivers: config.throughputReceivers,
    },
    notes: [],
  };
}

async function sections(run: RunContext, techniques: readonly HeldTechnique[]): Promise<void> {
  await heldSection(run, techniques);
  await rateSection(run);
  await throughputSection(run);
  run.results.notes.push(
    'The Scaling lab (cross-gateway delivery through the memory broker and Redis) is not measured yet.',
  );
  if (run.audit.dropped > 0) {
    run.results.notes.push(
      `${run.audit.dropped} client connections were ended by their server during the run (a slow consumer cut, a missed pong).`,
    );
  }
}

/** Runs the whole load lab once; rejects only when the harness itself breaks. */
export async function runLoadLab(
  config: LoadConfig,
  options: RunOptions = {},
): Promise<RunOutcome> {
  const started = Date.now();
  const processes = new Processes();
  const signal = options.signal ?? new AbortController().signal;
  const log = options.log ?? (() => undefined);
  const results = emptyResults(config);
  const audit: Audit = { serverSockets: [], clientSockets: [], dropped: 0 };
  const stopOnAbort = (): void => void processes.stopAll();
  signal.addEventListener('abort', stopOnAbort);
  try {
    log(
      `starting ${config.clientProcesses} client processes and ${Object.keys(SERVER_ENTRIES).length} servers`,
    );
    const [clients, servers] = await Promise.all([
      Promise.all(
        Array.from({ length: config.clientProcesses }, (_, i) =>
          processes.startClient(`client-${i + 1}`),
        ),
      ),
      startServers(processes, results.notes),
    ]);
    const pool = new ClientPool(clients, sourceAddresses(config.sourceAddresses), config);
    await sections(
      { config, pool, servers, results, audit, signal, log },
      options.techniques ?? ['websocket', 'sse', 'long-poll'],
    );
  } finally {
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
