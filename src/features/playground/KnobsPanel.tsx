import { useState } from 'react';
import type { Knobs } from '../../transports/types';
import { KNOB_FIELDS, labController } from './controller';
import { useLab } from './useStore';

function KnobField({ field }: { field: (typeof KNOB_FIELDS)[number] }) {
  const value = useLab((s) => s.knobs[field.key]);
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = `knob-${field.key}`;
  const apply = () => {
    if (draft === null) return;
    const problem = labController.setKnob(
      field.key as keyof Knobs,
      draft.trim() === '' ? Number.NaN : Number(draft),
    );
    setError(problem);
    if (!problem) setDraft(null);
  };
  return (
    <div className="knob">
      <label htmlFor={id}>
        {field.label} <span className="unit">(ms)</span>
      </label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={field.range.min}
        max={field.range.max}
        value={draft ?? String(value)}
        aria-invalid={error !== null}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
        }}
      />
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
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
