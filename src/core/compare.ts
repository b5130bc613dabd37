import type { Stats } from './stats';
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
  /** Every byte both ways (the server's socket counts) per delivered message. */
  bytesPerDelivery: number | null;
  /** The same bytes less the messages' own JSON: what the technique costs on top. */
  overheadPerDelivery: number | null;
  latencyP50: number | null;
  latencyP95: number | null;
  latencyMax: number | null;
  openConnections: number;
  peakConnections: number;
  reconnects: number;
}

export interface CompareColumn {
  key: Exclude<keyof CompareRow, 'technique'>;
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
    label: 'Bytes / delivered msg',
    csv: 'bytes_per_delivered',
    unit: 'bytes',
  },
  {
    key: 'overheadPerDelivery',
    label: 'Overhead / delivered msg',
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

/** Every byte both ways (the server's socket counts when there are any) per delivered message. */
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

export function compareRow(technique: Technique, stats: Stats): CompareRow {
  return {
    technique,
    requests: stats.requests,
    emptyShare: stats.pollResponses === 0 ? null : stats.wastedShare,
    delivered: stats.delivered,
    bytesPerDelivery: bytesPerDelivery(stats),
    overheadPerDelivery: overheadPerDelivery(stats),
    latencyP50: stats.latency.p50,
    latencyP95: stats.latency.p95,
    latencyMax: stats.latency.max,
    openConnections: stats.openConnections,
    peakConnections: stats.maxOpenConnections,
    reconnects: stats.reconnects,
  };
}

/** A cell as text: shares as percentages, bytes and ms rounded, a dash where there is nothing to show. */
export function formatCell(value: number | null, unit?: CompareColumn['unit']): string {
  if (value === null) return '—';
  switch (unit) {
    case 'share':
      return `${Math.round(value * 100)} %`;
    case 'bytes':
      return `${Math.round(value)} B`;
    case 'ms':
      // Below a millisecond the clock offset's own uncertainty dominates (it can even come out negative).
      return value < 1 ? '< 1 ms' : `${Math.round(value)} ms`;
    default:
      return String(value);
  }
}

/** A cell for CSV: plain numbers (shares 0..1, bytes and ms to 0.1), empty where there is nothing. */
function csvCell(value: number | null, unit?: CompareColumn['unit']): string {
  if (value === null) return '';
  if (unit === 'share') return value.toFixed(3);
  if (unit) return (Math.round(value * 10) / 10).toString();
  return String(value);
}

function rowsInOrder(rows: readonly CompareRow[]): CompareRow[] {
  return TECHNIQUES.flatMap((t) => rows.filter((row) => row.technique === t));
}

/** RFC 4180 CSV with a header line, CRLF line ends; numbers are plain. */
export function compareCsv(rows: readonly CompareRow[]): string {
  const lines = [['technique', ...COMPARE_COLUMNS.map((c) => c.csv)].join(',')];
  for (const row of rowsInOrder(rows)) {
    lines.push(
      [row.technique, ...COMPARE_COLUMNS.map((c) => csvCell(row[c.key], c.unit))].join(','),
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
      `| ${TECHNIQUE_LABELS[row.technique]} | ${COMPARE_COLUMNS.map((c) => formatCell(row[c.key], c.unit)).join(' | ')} |`,
  );
  return `${caption ? `${caption}\n\n` : ''}${[head, rule, ...body].join('\n')}\n`;
}
