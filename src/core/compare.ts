import { formatLatency, latencyCsvCell, roundUp, type LatencyClock } from './latency-format';
import { sideTotal, type Stats } from './stats';
import { TECHNIQUES, TECHNIQUE_LABELS, type Technique } from './technique';

/**
 * The head-to-head table of compare mode: one row per technique, every cell
 * derived from that technique's measured stats (nothing estimated), and its
 * CSV and Markdown forms.
 */
export interface CompareRow {
  technique: Technique;
  requests: number;
  /** Empty poll answers over all poll answers, 0..1; null where nothing polls. */
  emptyShare: number | null;
  delivered: number;
  /**
   * Receiving cost: the receivers' bytes both ways (the server's socket counts)
   * per delivered message. The server is the sender here, so these are all the
   * page's bytes.
   */
  bytesPerDelivery: number | null;
  /** The same bytes less the messages' own JSON: what the technique costs on top. */
  overheadPerDelivery: number | null;
  latencyP50: number | null;
  latencyP95: number | null;
  latencyMax: number | null;
  openConnections: number;
  peakConnections: number;
  reconnects: number;
  /** Whether the latencies were timed across clocks (the server's publish moved onto the page's). */
  latencyAcrossClocks: boolean;
  /** The clock offset estimate's ± in ms, when the latencies rest on it and it is known. */
  clockUncertaintyMs: number | null;
}

/** The row's fields that are cells of the table. */
export type CompareCellKey = Exclude<
  keyof CompareRow,
  'technique' | 'latencyAcrossClocks' | 'clockUncertaintyMs'
>;

export interface CompareColumn {
  key: CompareCellKey;
  /** Heading on screen and in Markdown. */
  label: string;
  /** Column name in CSV (snake case, units spelled out). */
  csv: string;
  unit?: 'share' | 'bytes' | 'ms';
}

export const COMPARE_COLUMNS: readonly CompareColumn[] = [
  { key: 'requests', label: 'Requests', csv: 'requests' },
  { key: 'emptyShare', label: 'Empty share', csv: 'empty_share', unit: 'share' },
  { key: 'delivered', label: 'Delivered', csv: 'delivered' },
  {
    key: 'bytesPerDelivery',
    label: 'Receiving cost / msg',
    csv: 'bytes_per_delivered',
    unit: 'bytes',
  },
  {
    key: 'overheadPerDelivery',
    label: 'Receiving overhead / msg',
    csv: 'overhead_bytes_per_delivered',
    unit: 'bytes',
  },
  { key: 'latencyP50', label: 'Latency p50', csv: 'latency_p50_ms', unit: 'ms' },
  { key: 'latencyP95', label: 'Latency p95', csv: 'latency_p95_ms', unit: 'ms' },
  { key: 'latencyMax', label: 'Latency max', csv: 'latency_max_ms', unit: 'ms' },
  { key: 'openConnections', label: 'Open connections', csv: 'open_connections' },
  { key: 'peakConnections', label: 'Peak connections', csv: 'peak_connections' },
  { key: 'reconnects', label: 'Reconnects', csv: 'reconnects' },
];

/**
 * Every byte both ways (the server's socket counts when there are any) per
 * delivered message: the receivers' and the sender's, the sender's uploads included.
 */
export function bytesPerDelivery(stats: Stats): number | null {
  if (stats.delivered === 0) return null;
  const bytes =
    stats.bytesUp.header + stats.bytesUp.payload + stats.bytesDown.header + stats.bytesDown.payload;
  return bytes / stats.delivered;
}

/** The same, less the delivered messages' own JSON: what the technique costs on top of the message. */
export function overheadPerDelivery(stats: Stats): number | null {
  const all = bytesPerDelivery(stats);
  // A delivered message is never 0 bytes: none counted means a trace that did not record them.
  if (all === null || stats.messageBytes === 0) return null;
  return all - stats.messageBytes / stats.delivered;
}

/** Receiving cost: the receivers' bytes both ways (their requests, what reached them) per delivered message. */
export function receiveCostPerDelivery(stats: Stats): number | null {
  if (stats.delivered === 0) return null;
  return sideTotal(stats.receiveBytes) / stats.delivered;
}

/** The receiving cost less the delivered messages' own JSON: headers, empty polls, framing, heartbeats. */
export function receiveOverheadPerDelivery(stats: Stats): number | null {
  const cost = receiveCostPerDelivery(stats);
  if (cost === null || stats.messageBytes === 0) return null;
  return cost - stats.messageBytes / stats.delivered;
}

/** Sending cost: the sender's bytes both ways (its publishes and their answers) per message it published. */
export function sendCostPerMessage(stats: Stats): number | null {
  if (stats.published === 0) return null;
  return sideTotal(stats.sendBytes) / stats.published;
}

/**
 * One row of the table. `clockUncertaintyMs`: the ± of the page's estimate of
 * the server's clock, which latencies of messages the server made rest on
 * (null when there is none).
 */
export function compareRow(
  technique: Technique,
  stats: Stats,
  clockUncertaintyMs: number | null = null,
): CompareRow {
  const acrossClocks = stats.latency.acrossClocks > 0;
  return {
    technique,
    requests: stats.requests,
    emptyShare: stats.pollResponses === 0 ? null : stats.wastedShare,
    delivered: stats.delivered,
    bytesPerDelivery: receiveCostPerDelivery(stats),
    overheadPerDelivery: receiveOverheadPerDelivery(stats),
    latencyP50: stats.latency.p50,
    latencyP95: stats.latency.p95,
    latencyMax: stats.latency.max,
    openConnections: stats.openConnections,
    peakConnections: stats.maxOpenConnections,
    reconnects: stats.reconnects,
    latencyAcrossClocks: acrossClocks,
    clockUncertaintyMs: acrossClocks ? clockUncertaintyMs : null,
  };
}

/** The clocks a row's latencies were timed on. */
export function rowClock(row: CompareRow): LatencyClock {
  return { acrossClocks: row.latencyAcrossClocks, uncertaintyMs: row.clockUncertaintyMs };
}

/**
 * A cell as text: shares as percentages, bytes and ms rounded, a dash where
 * there is nothing to show. A latency timed across clocks near the clock's
 * uncertainty reads "≤ X ms (clock ±Y)" (see formatLatency).
 */
export function formatCell(
  value: number | null,
  unit?: CompareColumn['unit'],
  clock: LatencyClock = { acrossClocks: false, uncertaintyMs: null },
): string {
  if (value === null) return '—';
  switch (unit) {
    case 'share':
      return `${Math.round(value * 100)} %`;
    case 'bytes':
      return `${Math.round(value)} B`;
    case 'ms':
      return formatLatency(value, clock, 'whole');
    default:
      return String(value);
  }
}

/** A cell for CSV: plain numbers (shares 0..1, bytes and ms to 0.1), `<=X` for a latency bound, empty where there is nothing. */
function csvCell(value: number | null, unit: CompareColumn['unit'], clock: LatencyClock): string {
  if (value === null) return '';
  if (unit === 'share') return value.toFixed(3);
  if (unit === 'ms') return latencyCsvCell(value, clock);
  if (unit) return (Math.round(value * 10) / 10).toString();
  return String(value);
}

function rowsInOrder(rows: readonly CompareRow[]): CompareRow[] {
  return TECHNIQUES.flatMap((t) => rows.filter((row) => row.technique === t));
}

/**
 * RFC 4180 CSV with a header line, CRLF line ends; numbers are plain. Two
 * columns after the table's say what the latencies rest on: `latency_clock`
 * (`page`: timed on the page's one clock; `server`: from the server's publish
 * moved onto the page's clock) and `clock_uncertainty_ms` (that move's ±,
 * empty when on one clock or not known). A latency under 3× that ± is `<=X`.
 */
export function compareCsv(rows: readonly CompareRow[]): string {
  const lines = [
    [
      'technique',
      ...COMPARE_COLUMNS.map((c) => c.csv),
      'latency_clock',
      'clock_uncertainty_ms',
    ].join(','),
  ];
  for (const row of rowsInOrder(rows)) {
    const clock = rowClock(row);
    lines.push(
      [
        row.technique,
        ...COMPARE_COLUMNS.map((c) => csvCell(row[c.key], c.unit, clock)),
        row.latencyP50 === null ? '' : row.latencyAcrossClocks ? 'server' : 'page',
        row.clockUncertaintyMs === null ? '' : roundUp(row.clockUncertaintyMs, 1).toString(),
      ].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** A GitHub-flavoured Markdown table, numbers right-aligned, with a caption line above it. */
export function compareMarkdown(rows: readonly CompareRow[], caption?: string): string {
  const head = `| Technique | ${COMPARE_COLUMNS.map((c) => c.label).join(' | ')} |`;
  const rule = `|---|${COMPARE_COLUMNS.map(() => '---:').join('|')}|`;
  const body = rowsInOrder(rows).map(
    (row) =>
      `| ${TECHNIQUE_LABELS[row.technique]} | ${COMPARE_COLUMNS.map((c) => formatCell(row[c.key], c.unit, rowClock(row))).join(' | ')} |`,
  );
  return `${caption ? `${caption}\n\n` : ''}${[head, rule, ...body].join('\n')}\n`;
}
