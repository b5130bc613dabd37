import { useState } from 'react';

export interface NumberFieldProps {
  id: string;
  label: string;
  unit?: string;
  value: number;
  min: number;
  max: number;
  step?: number;
  disabled?: boolean;
  /** Applies the typed text (NaN when empty); returns the sentence explaining a bad value, or null. */
  commit: (value: number) => string | null;
}

/**
 * A number box that applies on Enter or blur: a bad value stays in the box,
 * marked `aria-invalid`, with the sentence that explains it.
 */
export function NumberField({
  id,
  label,
  unit,
  value,
  min,
  max,
  step = 1,
  disabled,
  commit,
}: NumberFieldProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const apply = () => {
    if (draft === null) return;
    const problem = commit(draft.trim() === '' ? Number.NaN : Number(draft));
    setError(problem);
    if (!problem) setDraft(null);
  };
  return (
    <div className="knob">
      <label htmlFor={id}>
        {label} {unit && <span className="unit">({unit})</span>}
      </label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        min={min}
        max={max}
        step={step}
        value={draft ?? String(value)}
        disabled={disabled}
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
