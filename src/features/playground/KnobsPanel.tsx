import { NumberField } from '../NumberField';
import { KNOB_FIELDS, labController } from './controller';
import { useLab } from './store-hooks';

function KnobField({ field }: { field: (typeof KNOB_FIELDS)[number] }) {
  const value = useLab((s) => s.knobs[field.key]);
  return (
    <NumberField
      id={`knob-${field.key}`}
      label={field.label}
      unit="ms"
      value={value}
      min={field.range.min}
      max={field.range.max}
      commit={(next) => labController.setKnob(field.key, next)}
    />
  );
}

/** The knobs of the selected technique, and the reconnect backoff every technique uses. */
export function KnobsPanel() {
  const technique = useLab((s) => s.technique);
  const jitter = useLab((s) => s.knobs.backoffJitter);
  return (
    <section className="knobs" aria-label="Knobs">
      <h2>Knobs</h2>
      {KNOB_FIELDS.filter((f) => f.technique === technique).map((field) => (
        <KnobField key={field.key} field={field} />
      ))}
      <h3 className="knobs__group">Reconnect after a failure</h3>
      {KNOB_FIELDS.filter((f) => f.technique === 'all').map((field) => (
        <KnobField key={field.key} field={field} />
      ))}
      <label className="knobs__check">
        <input
          type="checkbox"
          checked={jitter}
          onChange={(e) => labController.setJitter(e.target.checked)}
        />
        Jitter (wait a random share of the backoff)
      </label>
      <p className="knobs__note">
        The n-th failure in a row waits min(cap, base × 2ⁿ) — with jitter, a random time up to that
        — so clients that lost the server together do not all return at once.
      </p>
    </section>
  );
}
