/**
 * What every section of a load run works with: the set-up, the client pool, the server
 * processes, the results being filled in, and the audit of what was left open.
 */
import type { CrossGatewayFigure, LoadResults } from '../../src/core/load-results';
import type { LoadConfig } from './config';
import type { ClientPool } from './pool';
import type { ServerChild } from './processes';
import { sleep } from './pool';
import type { RedisSupply } from './redis-supply';
import type { ServerKey } from './targets';

/** What was still open after each close: the tiny test wants every count at 0. */
export interface Audit {
  /** Per server, the TCP connections it still had after its clients closed everything. */
  serverSockets: { server: ServerKey; sockets: number }[];
  /** Per close, the TCP sockets each client process still had. */
  clientSockets: number[];
  /** Connections that ended without being asked to (a server cutting them). */
  dropped: number;
}

/**
 * One step of a run (a subject's held connections, a short-poll rate, a throughput search): what
 * the progress says while it runs, how long it is expected to take (a bounded run skips a step
 * that would not end in time), and what it does. A step notes its own failures and goes on; it
 * throws only when the run is stopped.
 */
export interface LoadStep {
  /** What runs, in words (`WebSocket, the lab: 500 idle connections, health, fan-out`). */
  label: string;
  /** Expected duration, ms (budget.ts). */
  estimateMs: number;
  /** Lower first when the run is bounded: what the lesson needs most comes first. */
  priority: number;
  run(run: RunContext): Promise<void>;
}

export interface RunContext {
  config: LoadConfig;
  pool: ClientPool;
  servers: Map<ServerKey, ServerChild>;
  results: Omit<LoadResults, 'measuredAt' | 'durationMs' | 'crossGateway'> & {
    crossGateway: CrossGatewayFigure[];
  };
  /** The Redis the Scaling section's server was given, or why there is none. */
  redis: RedisSupply;
  audit: Audit;
  signal: AbortSignal;
  log(line: string): void;
}

export function server(run: RunContext, key: ServerKey): ServerChild {
  const found = run.servers.get(key);
  if (!found) throw new Error(`the ${key} server did not start`);
  return found;
}

/** Waits (bounded) until the server sees at least / at most `count` TCP connections; its last count. */
export async function waitForSockets(
  target: ServerChild,
  count: number,
  direction: 'at-least' | 'at-most',
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sockets = await target.sockets();
    const reached = direction === 'at-least' ? sockets >= count : sockets <= count;
    if (reached || Date.now() >= deadline) return sockets;
    await sleep(200);
  }
}

/**
 * Closes every client connection, then (after `afterClients`, when given: what else the server
 * must let go of, such as a Scaling-lab topology) checks the server let go of them all.
 */
export async function closeAndAudit(
  run: RunContext,
  key: ServerKey,
  afterClients?: () => Promise<void>,
): Promise<void> {
  const closed = await run.pool.closeAll();
  run.audit.clientSockets.push(...closed.sockets);
  run.audit.dropped = closed.dropped;
  await afterClients?.();
  const target = run.servers.get(key);
  if (!target?.child.running) return;
  const sockets = await waitForSockets(target, 0, 'at-most', 15_000);
  run.audit.serverSockets.push({ server: key, sockets });
  if (sockets > 0)
    run.results.notes.push(
      `The ${key} server still had ${sockets} TCP connections 15 s after its clients closed theirs.`,
    );
}
