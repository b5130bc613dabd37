import { useRef, type KeyboardEvent } from 'react';
import { TECHNIQUE_LABELS, TECHNIQUES, type Technique } from '../../core';
import { labController } from './controller';
import { useLab } from './store-hooks';

/** The "Technique" tab list: arrow keys move between tabs, as the ARIA tabs pattern says. */
export function TechniqueTabs() {
  const technique = useLab((s) => s.technique);
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const choose = (next: Technique) => void labController.setTechnique(next);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const at = TECHNIQUES.indexOf(technique);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = TECHNIQUES[(at + step + TECHNIQUES.length) % TECHNIQUES.length]!;
    choose(next);
    refs.current[TECHNIQUES.indexOf(next)]?.focus();
  };
  return (
    <div role="tablist" aria-label="Technique" className="technique-tabs" onKeyDown={onKeyDown}>
      {TECHNIQUES.map((t, i) => (
        <button
          key={t}
          ref={(el) => {
            refs.current[i] = el;
          }}
          role="tab"
          type="button"
          id={`tab-${t}`}
          aria-selected={t === technique}
          aria-controls="technique-panel"
          tabIndex={t === technique ? 0 : -1}
          onClick={() => choose(t)}
        >
          {TECHNIQUE_LABELS[t]}
        </button>
      ))}
    </div>
  );
}
