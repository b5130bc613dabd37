import { useState, type FormEvent } from 'react';
import type { SendPattern } from '../../core';
import { MAX_AUTO_RATE, MAX_SEED } from '../../store/lab-store';
import { labController } from './controller';
import { useLab } from './store-hooks';

/**
 * The random pattern's seed: applied on Enter or when the box loses focus,
 * refused with a sentence when invalid. Off (showing the seed in force) while
 * the pattern is steady, which has no use for it.
 */
function SeedField({ disabled }: { disabled: boolean }) {
  const seed = useLab((s) => s.autoSeed);
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shownError = disabled ? null : error;
  const apply = () => {
    if (draft === null) return;
    const problem = labController.setAutoSeed(draft.trim() === '' ? Number.NaN : Number(draft));
    setError(problem);
    if (!problem) setDraft(null);
  };
  return (
    <>
      <label>
        Seed
        <input
          type="number"
          inputMode="numeric"
          min={0}
          max={MAX_SEED}
          value={disabled ? String(seed) : (draft ?? String(seed))}
          disabled={disabled}
          aria-invalid={shownError !== null}
          aria-describedby={shownError ? 'auto-seed-error' : undefined}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={apply}
          onKeyDown={(e) => {
            // Enter applies the seed; it must not submit the message form.
            if (e.key === 'Enter') {
              e.preventDefault();
              apply();
            }
          }}
        />
      </label>
      {shownError && (
        <p id="auto-seed-error" className="field-error" role="alert">
          {shownError}
        </p>
      )}
    </>
  );
}

/** The "Message" box with Send (Enter sends too), and the automatic sends: rate, pattern, seed. */
export function Composer() {
  const [text, setText] = useState('');
  const autoRate = useLab((s) => s.autoRate);
  const autoPattern = useLab((s) => s.autoPattern);
  const sender = useLab((s) => s.sender);
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const sent = text;
    // Cleared only if it still holds what was sent: what the learner typed meanwhile stays.
    if (await labController.send(sent)) setText((now) => (now === sent ? '' : now));
  };
  return (
    <form className="composer" onSubmit={(e) => void onSubmit(e)}>
      <label htmlFor="message">Message</label>
      <div className="composer__row">
        <input
          id="message"
          type="text"
          value={text}
          maxLength={2000}
          placeholder={`from ${sender}…`}
          autoComplete="off"
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit">Send</button>
      </div>
      <label className="composer__auto">
        Auto-send rate
        <input
          type="range"
          min={0}
          max={MAX_AUTO_RATE}
          step={1}
          value={autoRate}
          onChange={(e) => labController.setAutoRate(Number(e.target.value))}
        />
        <output>{autoRate === 0 ? 'off' : `${autoRate} msg/s`}</output>
      </label>
      <div className="composer__pattern">
        <label>
          Pattern
          <select
            aria-label="Auto-send pattern"
            value={autoPattern}
            onChange={(e) => labController.setAutoPattern(e.target.value as SendPattern)}
          >
            <option value="random">Random (Poisson)</option>
            <option value="steady">Steady</option>
          </select>
        </label>
        <SeedField disabled={autoPattern !== 'random'} />
      </div>
    </form>
  );
}
