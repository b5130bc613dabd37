/**
 * What the "What a connection costs" lesson shows of a load run (load-results.ts): the
 * lab's figures beside their baselines, and plain sentences on where the article's numbers
 * hold on the machine that ran it. Pure: the page draws it, tests check it.
 */
import {
  ratio,
  type FanOutFigure,
  type LoadResults,
  type LoadSubject,
  type LoadTechnique,
  type MemoryFigure,
} from './load-results';
import {
  againstArticle,
  projectConnections,
  projectPolling,
  type ConnectionProjection,
} from './load-projection';

/** The share of the machine's memory the projection gives to idle connections. */
export const PROJECTION_MEMORY_SHARE = 0.5;

/** Whether a value read from a file is a load run this page can show. */
export function isLoadResults(value: unknown): value is LoadResults {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<LoadResults>;
  return (
    v.format === 'realtime-lab-load' &&
    v.version === 1 &&
    typeof v.measuredAt === 'string' &&
    typeof v.machine === 'object' &&
    v.machine !== null &&
    Array.isArray(v.memory) &&
    Array.isArray(v.fanOut) &&
    Array.isArray(v.requestRate) &&
    Array.isArray(v.throughput) &&
    // Added later: older runs have none, and still load.
    (v.crossGateway === undefined || Array.isArray(v.crossGateway)) &&
    Array.isArray(v.notes)
  );
}

/** The bare implementation each technique is held against. */
export const BASELINE_OF: Record<LoadTechnique, LoadSubject> = {
  websocket: 'bare-ws',
  sse: 'bare-fastify',
  'long-poll': 'bare-fastify',
  'short-poll': 'bare-fastify',
};

export const SUBJECT_NAMES: Record<LoadSubject, string> = {
  lab: 'the lab',
  'bare-ws': 'bare ws',
  'bare-fastify': 'bare Fastify',
  'socket.io': 'Socket.IO',
};

export const TECHNIQUE_NAMES: Record<LoadTechnique, string> = {
  'short-poll': 'Short polling',
  'long-poll': 'Long polling',
  sse: 'Server-Sent Events',
  websocket: 'WebSocket',
};

/**
 * Under this many connections an RSS difference is mostly the allocator's (it keeps what was
 * freed before: README, "Load lab"), so a run whose largest N is smaller is shown by its heap.
 */
export const RSS_RELIABLE_FROM = 5_000;

/** Which memory figure the lesson shows of a run: RSS, or the V8 heap used after GC. */
export type MemoryBasis = 'rss' | 'heap';

export function memoryBasis(results: LoadResults): MemoryBasis {
  const largest = Math.max(0, ...results.memory.map((f) => f.connections));
  return largest >= RSS_RELIABLE_FROM ? 'rss' : 'heap';
}

/** A figure's bytes per connection on that basis. */
export function bytesPerConnection(figure: MemoryFigure, basis: MemoryBasis): number {
  return basis === 'rss' ? figure.rssPerConnection : figure.heapPerConnection;
}

/** One technique's memory per idle connection: the lab's and its baselines', at the run's largest N. */
export interface MemoryRow {
  technique: LoadTechnique;
  connections: number;
  lab: MemoryFigure;
  baselines: MemoryFigure[];
  /** The lab's bytes per connection over its own baseline's, on the run's `memoryBasis`. */
  ratio: number;
}

function largest(figures: readonly MemoryFigure[]): MemoryFigure | undefined {
  return figures.reduce<MemoryFigure | undefined>(
    (best, f) => (best === undefined || f.connections > best.connections ? f : best),
    undefined,
  );
}

export function memoryRows(results: LoadResults): MemoryRow[] {
  const basis = memoryBasis(results);
  const rows: MemoryRow[] = [];
  for (const technique of ['websocket', 'sse', 'long-poll'] as const) {
    const lab = largest(
      results.memory.filter((f) => f.subject === 'lab' && f.technique === technique),
    );
    if (!lab) continue;
    const atN = results.memory.filter(
      (f) => f.technique === technique && f.subject !== 'lab' && f.connections === lab.connections,
    );
    const own = atN.find((f) => f.subject === BASELINE_OF[technique]);
    rows.push({
      technique,
      connections: lab.connections,
      lab,
      baselines: atN,
      ratio: own
        ? ratio(bytesPerConnection(lab, basis), bytesPerConnection(own, basis))
        : Number.NaN,
    });
  }
  return rows;
}

/** Fan-out series: p99 to the last receiver against N, one per subject and technique. */
export interface FanOutSeries {
  subject: LoadSubject;
  technique: LoadTechnique;
  points: { receivers: number; p99Ms: number }[];
}

export function fanOutSeries(results: LoadResults): FanOutSeries[] {
  const byKey = new Map<string, FanOutSeries>();
  for (const f of results.fanOut as readonly FanOutFigure[]) {
    const key = `${f.subject}/${f.technique}`;
    const series = byKey.get(key) ?? { subject: f.subject, technique: f.technique, points: [] };
    series.points.push({ receivers: f.receivers, p99Ms: f.p99Ms });
    byKey.set(key, series);
  }
  for (const series of byKey.values()) series.points.sort((a, b) => a.receivers - b.receivers);
  return [...byKey.values()];
}

const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} KB`;

/** Plain sentences: where the article's numbers hold on the machine that ran the load. */
export function verdicts(results: LoadResults): string[] {
  const out: string[] = [];
  const ws = memoryRows(results).find((r) => r.technique === 'websocket');
  const basis = memoryBasis(results);
  if (ws) {
    const bytes = bytesPerConnection(ws.lab, basis);
    const verdict = againstArticle(bytes);
    const words =
      verdict === 'within'
        ? 'within the article’s 2–10 KB'
        : verdict === 'below'
          ? 'less than the article’s 2–10 KB'
          : 'more than the article’s 2–10 KB';
    out.push(
      `An idle lab WebSocket held ${kb(bytes)} of server ${basis === 'rss' ? 'memory' : 'heap'} at ${ws.connections.toLocaleString('en')} connections: ${words}.`,
    );
  }
  const projection = wsProjection(results);
  if (projection) {
    out.push(
      `At that cost, half of this machine’s memory holds ${projection.connectionsPerServer.toLocaleString('en')} idle connections: ${projection.connectionsPerServer >= 100_000 ? 'the article’s 100K–1M a server is reachable in memory alone' : 'fewer than the article’s 100K a server'}; 10M users need ${projection.serversNeeded.toLocaleString('en')} such servers.`,
    );
  }
  const rate = results.requestRate.find((r) => r.subject === 'lab' && r.variant === 'observer-off');
  if (rate) {
    const polling = projectPolling(1_000_000, 2_000, rate.requestsPerSecond);
    out.push(
      `The lab answered ${Math.round(rate.requestsPerSecond).toLocaleString('en')} empty short polls a second here: the article’s 1M users polling every 2 s (500K a second) would need ${polling.servers.toLocaleString('en')} such servers just to say “nothing new”.`,
    );
  }
  return out;
}

/** The WebSocket projection from the run's own figure and machine, or undefined without one. */
export function wsProjection(results: LoadResults): ConnectionProjection | undefined {
  const ws = memoryRows(results).find((r) => r.technique === 'websocket');
  const bytes = ws ? bytesPerConnection(ws.lab, memoryBasis(results)) : Number.NaN;
  if (!(bytes > 0) || !(results.machine.memoryBytes > 0)) return undefined;
  return projectConnections(bytes, results.machine.memoryBytes * PROJECTION_MEMORY_SHARE);
}
