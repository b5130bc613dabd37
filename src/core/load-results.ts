/**
 * The load lab's results (`npm run bench:load`, issue #15), as the bench writes them to
 * `bench/results/load-<date>.json` and the Lessons screen reads them: each figure of the
 * lab beside the same figure of its baseline, measured in the same run on the same machine.
 * Pure data and arithmetic: the bench (Node), the server's live run and the page share it.
 */

/** Where the figures were measured. */
export interface LoadMachine {
  cores: number;
  /** Total memory, bytes. */
  memoryBytes: number;
  node: string;
  platform: string;
  /** CPU model as the OS names it. */
  cpu: string;
}

/** What was measured against: the lab itself, or a bare implementation of the same technique. */
export type LoadSubject = 'lab' | 'bare-ws' | 'bare-fastify' | 'socket.io';

/** The techniques and connection kinds the load lab measures. */
export type LoadTechnique = 'short-poll' | 'long-poll' | 'sse' | 'websocket';

/** Server memory held by idle connections, after a forced GC, per connection. */
export interface MemoryFigure {
  subject: LoadSubject;
  technique: LoadTechnique;
  /** Connections held open when measured. */
  connections: number;
  /** (RSS with the connections − RSS before) / connections, bytes. */
  rssPerConnection: number;
  /** (heap used with the connections − before) / connections, bytes. */
  heapPerConnection: number;
  /** Whether `/api/health` (or the baseline's own route) answered within 100 ms while they were held. */
  healthWithin100ms: boolean;
  /** That answer's time, ms. */
  healthMs: number;
}

/** One publish fanned out to `receivers`: when the last of them got it, on one clock. */
export interface FanOutFigure {
  subject: LoadSubject;
  technique: LoadTechnique;
  receivers: number;
  /** Over the repeated publishes: latency to each receiver, ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** How many publishes were fanned out (the figures above pool their deliveries). */
  publishes?: number;
  /** The median, over the publishes, of the latency to the last receiver of each, ms. */
  lastP50Ms?: number;
  /** Deliveries that never arrived within the bound (receivers × publishes − received). */
  missing?: number;
}

/** Requests a second a route sustained under a load generator. */
export interface RequestRateFigure {
  subject: LoadSubject;
  /** What ran: the lab's short poll with or without an observer connected, or the bare route. */
  variant: 'observer-off' | 'observer-on' | 'bare';
  connections: number;
  requestsPerSecond: number;
  latencyP99Ms: number;
  /**
   * The server process's CPU time (user + system) per answered request, µs: what a request
   * costs the server whoever else shares the cores (autocannon does, on a small machine).
   * Absent in runs before it was measured.
   */
  cpuMicrosPerRequest?: number;
}

/** The highest rate of messages a second that kept p99 delivery under the budget. */
export interface ThroughputFigure {
  subject: LoadSubject;
  receivers: number;
  /** p99 budget, ms (100). */
  budgetMs: number;
  messagesPerSecond: number;
  /** p99 delivery latency at that rate, ms. */
  p99Ms?: number;
  /** The first rate tried that broke the budget (p99 over it, or a delivery lost); absent when none did. */
  failedAtPerSecond?: number;
}

/**
 * What a Scaling-lab publish crossed on its way to the receivers: nothing (`none`: published
 * through the receivers' own gateway, the baseline), the memory broker (one bus in the lab's
 * process) or Redis (a `redis-server` on loopback).
 */
export type CrossGatewayBroker = 'none' | 'memory' | 'redis';

/**
 * One publish through a gateway of a two-gateway Scaling-lab topology, fanned out to
 * `receivers` WebSockets held on gateway-2, timed on one clock: through gateway-2 itself
 * (`none`) or through gateway-1 and the broker named (the same figures as a fan-out's).
 */
export interface CrossGatewayFigure {
  broker: CrossGatewayBroker;
  receivers: number;
  /** How many publishes were fanned out (the latencies pool their deliveries). */
  publishes: number;
  /** Latency to each receiver, ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The median, over the publishes, of the latency to the last receiver of each, ms. */
  lastP50Ms: number;
  /** Deliveries that never arrived within the bound (receivers × publishes − received). */
  missing: number;
}

/** How the run was set up (what the bench read from its environment). */
export interface LoadSettings {
  /** The N of the memory and fan-out steps. */
  clients: number[];
  clientProcesses: number;
  /** Loopback source addresses the clients were spread over (127.0.0.2 …). */
  sourceAddresses: number;
  fanOutPublishes: number;
  rateConnections: number;
  rateSeconds: number;
  throughputReceivers: number;
  /** WebSocket receivers of the Scaling-lab figures (the smallest N, at most 1,000). */
  crossGatewayReceivers?: number;
}

export interface LoadResults {
  format: 'realtime-lab-load';
  version: 1;
  /** When the run ended (ISO 8601). */
  measuredAt: string;
  machine: LoadMachine;
  /** How long the whole run took, ms. */
  durationMs: number;
  memory: MemoryFigure[];
  fanOut: FanOutFigure[];
  requestRate: RequestRateFigure[];
  throughput: ThroughputFigure[];
  /** The Scaling lab's delivery across gateways; absent in runs from before it was measured. */
  crossGateway?: CrossGatewayFigure[];
  settings?: LoadSettings;
  /**
   * A live run from the Lessons screen (`POST /api/load/run`: small, bounded to 20 s, never
   * written to bench/results); absent in a run of `npm run bench:load`.
   */
  live?: true;
  /** Sentences about what the run could not do (a client cap hit, a baseline missing), shown as they are. */
  notes: string[];
}

/** The value at quantile `q` (0–1) of `values` (nearest rank on a sorted copy); NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Bytes per connection from two readings and the connections between them (0 connections: NaN). */
export function perConnection(before: number, after: number, connections: number): number {
  return connections > 0 ? (after - before) / connections : Number.NaN;
}

/** The lab's figure over its baseline's (the ratio the README and the page print); NaN without a baseline. */
export function ratio(lab: number, baseline: number): number {
  return baseline > 0 && Number.isFinite(lab) ? lab / baseline : Number.NaN;
}
