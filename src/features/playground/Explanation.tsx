import { TECHNIQUE_LABELS } from '../../core';
import { explain } from './explanations';
import { useLab } from './useStore';

export function Explanation() {
  const technique = useLab((s) => s.technique);
  const knobs = useLab((s) => s.knobs);
  return (
    <section
      className="explanation"
      id="technique-panel"
      role="tabpanel"
      aria-labelledby={`tab-${technique}`}
    >
      <h2>{TECHNIQUE_LABELS[technique]}</h2>
      {explain(technique, knobs).map((sentence) => (
        <p key={sentence}>{sentence}</p>
      ))}
    </section>
  );
}
