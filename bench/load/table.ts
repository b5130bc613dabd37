/**
 * The load lab's printed report: each lab figure beside its baselines from the same run,
 * with the ratio lab / baseline. Pure (results in, text out), so it is unit-tested.
 */
import {
  ratio,
  type CrossGatewayBroker,
  type CrossGatewayFigure,
  type FanOutFigure,
  type LoadResults,
  type LoadSubject,
  type LoadTechnique,
  type MemoryFigure,
  type RequestRateFigure,
} from '../../src/core/load-results';
import { SUBJECT_NAMES, TECHNIQUE_NAMES } from '../../src/core/load-view';

const missing = '—';
const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

export const kb = (bytes: number): string =>
  finite(bytes) ? `${(bytes / 1000).toFixed(2)} KB` : missing;
export const ms = (v: number | undefined): string =>
  finite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) : missing;
export const times = (v: number): string => (finite(v) ? `${v.toFixed(2)}×` : missing);
export const count = (v: number): string =>
  finite(v) ? Math.round(v).toLocaleString('en') : missing;

/** Columns padded to their widest cell; a numeric-looking cell is right-aligned. */
export function columns(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = /^[-+]?[\d,.]+( ?(KB|×|ms|\/s))?$|^—$/;
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (numeric.test(cell) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const health = (f: MemoryFigure): string =>
  `${ms(f.healthMs)} ${f.healthWithin100ms ? 'ok' : 'SLOW'}`;

/** The baselines a lab technique is held against: its own first. */
function baselinesOf(technique: LoadTechnique): LoadSubject[] {
  return technique === 'websocket' ? ['bare-ws', 'socket.io'] : ['bare-fastify'];
}

function memoryTable(results: LoadResults): string {
  const rows: string[][] = [];
  for (const lab of results.memory.filter((f) => f.subject === 'lab')) {
    const peers = results.memory.filter(
      (f) => f.technique === lab.technique && f.connections === lab.connections,
    );
    for (const subject of baselinesOf(lab.technique)) {
      const base = peers.find((f) => f.subject === subject);
      rows.push([
        TECHNIQUE_NAMES[lab.technique],
        count(lab.connections),
        kb(lab.rssPerConnection),
        kb(lab.heapPerConnection),
        health(lab),
        SUBJECT_NAMES[subject],
        base ? kb(base.rssPerConnection) : missing,
        base ? kb(base.heapPerConnection) : missing,
        base ? health(base) : missing,
        times(ratio(lab.rssPerConnection, base?.rssPerConnection ?? Number.NaN)),
        times(ratio(lab.heapPerConnection, base?.heapPerConnection ?? Number.NaN)),
      ]);
    }
  }
  return columns(
    [
      'technique',
      'N',
      'lab RSS',
      'lab heap',
      'lab health ms',
      'baseline',
      'RSS',
      'heap',
      'health ms',
      'RSS ×',
      'heap ×',
    ],
    rows,
  );
}

const latencies = (
  f: Pick<FanOutFigure, 'p50Ms' | 'p99Ms' | 'maxMs' | 'lastP50Ms'> | undefined,
): string[] =>
  f
    ? [ms(f.p50Ms), ms(f.p99Ms), ms(f.maxMs), ms(f.lastP50Ms)]
    : [missing, missing, missing, missing];

function fanOutTable(results: LoadResults): string {
  const rows: string[][] = [];
  for (const lab of results.fanOut.filter((f) => f.subject === 'lab')) {
    for (const subject of baselinesOf(lab.technique)) {
      const base = results.fanOut.find(
        (f) =>
          f.subject === subject && f.technique === lab.technique && f.receivers === lab.receivers,
      );
      rows.push([
        TECHNIQUE_NAMES[lab.technique],
        count(lab.receivers),
        ...latencies(lab),
        SUBJECT_NAMES[subject],
        ...latencies(base),
        times(ratio(lab.p99Ms, base?.p99Ms ?? Number.NaN)),
        `${lab.missing ?? 0} / ${base?.missing ?? missing}`,
      ]);
    }
  }
  return columns(
    [
      'technique',
      'N',
      'p50',
      'p99',
      'max',
      'last p50',
      'baseline',
      'p50',
      'p99',
      'max',
      'last p50',
      'p99 ×',
      'lost lab / base',
    ],
    rows,
  );
}

/** CPU per request, µs: to one decimal below 10. */
const micros = (v: number | undefined): string => (finite(v) ? ms(v) : missing);

function rateTable(results: LoadResults): string {
  const bare = results.requestRate.find((r) => r.variant === 'bare');
  const off = results.requestRate.find((r) => r.subject === 'lab' && r.variant === 'observer-off');
  const against = (
    r: RequestRateFigure,
    base: RequestRateFigure | undefined,
    // CPU is a cost: bare / lab, so that both ratios read "share of the baseline's rate".
    pick: (f: RequestRateFigure) => number | undefined,
    inverse = false,
  ): string => {
    const mine = pick(r) ?? Number.NaN;
    const theirs = (base && pick(base)) ?? Number.NaN;
    return times(inverse ? ratio(theirs, mine) : ratio(mine, theirs));
  };
  const rows = results.requestRate.map((r) => [
    r.variant === 'bare'
      ? SUBJECT_NAMES[r.subject]
      : `lab, observer ${r.variant === 'observer-on' ? 'on' : 'off'}`,
    count(r.connections),
    count(r.requestsPerSecond),
    ms(r.latencyP99Ms),
    micros(r.cpuMicrosPerRequest),
    r.variant === 'bare' ? missing : against(r, bare, (f) => f.requestsPerSecond),
    r.variant === 'bare' ? missing : against(r, bare, (f) => f.cpuMicrosPerRequest, true),
    r.variant === 'observer-on' ? against(r, off, (f) => f.requestsPerSecond) : missing,
  ]);
  return columns(
    [
      'route',
      'connections',
      'requests/s',
      'p99 ms',
      'CPU µs/req',
      '× bare Fastify',
      'CPU-bound ×',
      '× observer off',
    ],
    rows,
  );
}

function throughputTable(results: LoadResults): string {
  const bare = results.throughput.find((t) => t.subject === 'bare-ws');
  const rows = results.throughput.map((t) => [
    SUBJECT_NAMES[t.subject],
    count(t.receivers),
    count(t.messagesPerSecond),
    ms(t.p99Ms),
    t.failedAtPerSecond === undefined ? missing : count(t.failedAtPerSecond),
    t.subject === 'bare-ws'
      ? missing
      : times(ratio(t.messagesPerSecond, bare?.messagesPerSecond ?? Number.NaN)),
  ]);
  return columns(
    ['server', 'receivers', 'messages/s held', 'p99 ms there', 'failed at /s', '× bare ws'],
    rows,
  );
}

/** What a Scaling-lab publish crossed, as its row names it. */
const CROSSING: Record<CrossGatewayBroker, string> = {
  none: 'one gateway: gateway-2 → gateway-2',
  memory: 'gateway-1 → memory broker → gateway-2',
  redis: 'gateway-1 → Redis → gateway-2',
};

function crossGatewayTable(figures: readonly CrossGatewayFigure[]): string {
  const base = figures.find((f) => f.broker === 'none');
  const rows = (['none', 'memory', 'redis'] as const).map((broker) => {
    const f = figures.find((g) => g.broker === broker);
    const against = (pick: (g: CrossGatewayFigure) => number): string =>
      broker === 'none' || !f || !base ? missing : times(ratio(pick(f), pick(base)));
    return [
      CROSSING[broker],
      f ? count(f.receivers) : missing,
      ...latencies(f),
      against((g) => g.p50Ms),
      against((g) => g.p99Ms),
      f ? count(f.missing) : missing,
    ];
  });
  return columns(
    ['publish path', 'N', 'p50', 'p99', 'max', 'last p50', 'p50 ×', 'p99 ×', 'lost'],
    rows,
  );
}

function heading(results: LoadResults): string {
  const m = results.machine;
  const gib = (m.memoryBytes / 2 ** 30).toFixed(1);
  return `Realtime Lab load run, ${results.measuredAt}: ${m.cores} cores (${m.cpu}), ${gib} GiB, Node ${m.node}, ${m.platform}; ${(results.durationMs / 1000).toFixed(0)} s`;
}

/** The Scaling lab's table, or a line saying the run did not measure it (runs from before it). */
function crossGatewaySection(results: LoadResults): string[] {
  const title =
    'Scaling lab: one publish (HTTP POST) to N WebSocket receivers on gateway-2 of two, latency to each on the machine clock (ms, pooled over the publishes); ×: over one gateway';
  if (results.crossGateway === undefined) return [title, '(not measured in this run)'];
  return [title, crossGatewayTable(results.crossGateway)];
}

/** The whole report: five tables and the run's notes. */
export function formatReport(results: LoadResults): string {
  const budget = results.throughput[0]?.budgetMs ?? 100;
  return [
    heading(results),
    '',
    'Server memory per idle connection: (RSS | heap used after GC with N open − before) / N; health: slowest of 5 requests while they are held (ok ≤ 100 ms)',
    memoryTable(results),
    '',
    'Fan-out: one publish to N receivers, latency to each on the machine clock (ms, pooled over the publishes); last p50: median time to reach the last receiver',
    fanOutTable(results),
    '',
    'Short poll: empty answers a second under autocannon',
    rateTable(results),
    '',
    `Throughput: highest rate of publishes a second that kept p99 delivery to every receiver within ${budget} ms, nothing lost`,
    throughputTable(results),
    '',
    ...crossGatewaySection(results),
    '',
    ...(results.notes.length > 0 ? ['Notes:', ...results.notes.map((n) => `- ${n}`)] : []),
  ].join('\n');
}

/** `load-2026-05-01T12-30-00Z.json`: the run's end, sortable, no colons. */
export function resultsFileName(measuredAt: string): string {
  return `load-${measuredAt.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-')}.json`;
}
