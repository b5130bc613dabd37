/** HTTP/1.1 connections a browser opens per host and port: 6 in Chromium and in Firefox (network.http.max-persistent-connections-per-server); the lesson shows it live. */
export const CONNECTIONS_PER_HOST = 6;

export interface BudgetRow {
  /** host:port the connections go to. */
  origin: string;
  /** What uses it (a technique, "this page"). */
  label: string;
  inUse: number;
  peak: number;
}

/**
 * How many of the six connections per host each destination has in use now:
 * six filled slots mean the next request waits in the browser's queue.
 */
export function BudgetMeter({ rows, caption }: { rows: readonly BudgetRow[]; caption?: string }) {
  return (
    <section className="budget-meter" aria-label="Connection budget">
      <h3>HTTP connections in use, of {CONNECTIONS_PER_HOST} per host</h3>
      <ul>
        {rows.map((row) => (
          <li
            key={`${row.origin}-${row.label}`}
            data-testid="budget-row"
            data-origin={row.origin}
            data-value={row.inUse}
            data-peak={row.peak}
          >
            <span className="budget-meter__label">
              {row.label} <code>{row.origin}</code>
            </span>
            <span
              className="budget-meter__slots"
              role="meter"
              aria-label={`${row.label}: connections in use`}
              aria-valuemin={0}
              aria-valuemax={CONNECTIONS_PER_HOST}
              aria-valuenow={Math.min(row.inUse, CONNECTIONS_PER_HOST)}
            >
              {Array.from({ length: CONNECTIONS_PER_HOST }, (_, i) => (
                <span key={i} className={i < row.inUse ? 'slot slot--used' : 'slot'} />
              ))}
            </span>
            <span className="budget-meter__figure">
              {row.inUse} of {CONNECTIONS_PER_HOST}
              {row.inUse > CONNECTIONS_PER_HOST ? ' — queued' : ''} · peak {row.peak}
            </span>
          </li>
        ))}
      </ul>
      {caption && <p className="budget-meter__note">{caption}</p>}
    </section>
  );
}
