import type { TraceStore } from '../../store/trace-store';
import { disagreementNote } from './explanations';
import { theoryRows, TOLERANCE } from './theory';
import { useLab, useTrace } from './store-hooks';

const show = (value: number | null, unit: string) =>
  value === null
    ? '—'
    : `${value >= 100 ? Math.round(value) : value.toFixed(value >= 10 ? 1 : 2)}${unit ? ` ${unit}` : ''}`;

/**
 * The textbook's expectation beside this run's measurement, flagged when they
 * part by more than the tolerance. The expected and measured cells carry their
 * raw numbers in `data-value` (absent while there is none), as the counters do.
 */
export function TheoryPanel({ store }: { store?: TraceStore }) {
  const technique = useLab((s) => s.technique);
  const knobs = useLab((s) => s.knobs);
  const receivers = useLab((s) => s.receivers);
  const autoPattern = useLab((s) => s.autoPattern);
  const autoRate = useLab((s) => s.autoRate);
  const { stats, events, segmentStart } = useTrace(store);
  const rows = theoryRows(technique, knobs, stats, events, receivers, segmentStart);
  return (
    <section className="theory" aria-label="Theory beside measurement" data-testid="theory">
      <h2>Theory vs measured</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">claim</th>
            <th scope="col">expected</th>
            <th scope="col">measured</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.claim} data-verdict={r.verdict}>
              <th scope="row">{r.claim}</th>
              <td data-testid="theory-expected" data-value={r.expected ?? undefined}>
                {r.expected === null ? 'not modelled' : show(r.expected, r.unit)}
              </td>
              <td data-testid="theory-measured" data-value={r.measured ?? undefined}>
                {show(r.measured, r.unit)}{' '}
                <span
                  className={`verdict verdict--${r.verdict}`}
                  title={
                    r.verdict === 'disagrees'
                      ? `measured differs from the model by more than ±${TOLERANCE * 100} %`
                      : undefined
                  }
                >
                  {r.verdict === 'agrees' ? '✓' : r.verdict === 'disagrees' ? '≠' : '…'}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="theory__note">
        ✓ within ±{TOLERANCE * 100} % of the model, ≠ further off, … not enough samples yet.
        Messages are modelled as arriving at random at the rate Alice actually sent them.
      </p>
      {rows.some((r) => r.verdict === 'disagrees') && (
        <p className="surprise-note" data-testid="theory-disagrees-note" role="note">
          {disagreementNote(autoPattern, autoRate)}
        </p>
      )}
    </section>
  );
}
