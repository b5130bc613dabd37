import {
  COMPARE_COLUMNS,
  compareRow,
  formatCell,
  rowClock,
  TECHNIQUE_LABELS,
  TECHNIQUES,
  type CompareRow,
  type Stats,
  type Technique,
} from '../../core';
import type { CompareTraces } from '../../store/compare-store';
import { useTrace } from '../playground/store-hooks';
import { useCompare } from './useCompare';

/** Each technique's stats, re-read once per flush of its trace. */
export function useTechniqueStats(traces: CompareTraces): Record<Technique, Stats> {
  return {
    'short-poll': useTrace(traces.byTechnique['short-poll']).stats,
    'long-poll': useTrace(traces.byTechnique['long-poll']).stats,
    sse: useTrace(traces.byTechnique.sse).stats,
    websocket: useTrace(traces.byTechnique.websocket).stats,
  };
}

/** The table's rows, in technique order; latencies rest on the run's clock estimate. */
export function useCompareRows(traces: CompareTraces): CompareRow[] {
  const stats = useTechniqueStats(traces);
  const uncertainty = useCompare((s) => s.clock?.uncertaintyMs ?? null);
  return TECHNIQUES.map((t) => compareRow(t, stats[t], uncertainty));
}

/** The head-to-head table: one row per technique, each cell measured from that technique's trace. */
export function CompareTable({ traces }: { traces: CompareTraces }) {
  const rows = useCompareRows(traces);
  return (
    <table className="compare-table" data-testid="compare-table">
      <caption>
        Head to head, measured. Receiving cost: the receivers&apos; bytes both ways, on the
        server&apos;s sockets (the server sends every message).
      </caption>
      <thead>
        <tr>
          <th scope="col">Technique</th>
          {COMPARE_COLUMNS.map((column) => (
            <th key={column.key} scope="col">
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.technique} data-technique={row.technique}>
            <th scope="row">{TECHNIQUE_LABELS[row.technique]}</th>
            {COMPARE_COLUMNS.map((column) => {
              const value = row[column.key];
              return (
                <td
                  key={column.key}
                  data-testid={`compare-${row.technique}-${column.key}`}
                  data-value={value ?? ''}
                >
                  {formatCell(value, column.unit, rowClock(row))}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
