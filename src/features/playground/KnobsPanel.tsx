import { NumberField } from '../NumberField';
import type { Knobs } from '../../transports/types';
import { KNOB_FIELDS, labController } from './controller';
import { useLab } from './useStore';

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
      commit={(next) => labController.setKnob(field.key as keyof Knobs, next)}
    />
  );
}

/** The knobs of the selected technique. */
export function KnobsPanel() {
  const technique = useLab((s) => s.technique);
  return (
    <section className="knobs" aria-label="Knobs">
      <h2>Knobs</h2>
      {KNOB_FIELDS.filter((f) => f.technique === technique).map((field) => (
        <KnobField key={field.key} field={field} />
      ))}
    </section>
  );
}
