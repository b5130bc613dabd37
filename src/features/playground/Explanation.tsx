import { useState } from 'react';
import { TECHNIQUE_LABELS } from '../../core';
import { readFlag, writeFlag } from '../local-flag';
import { explain, longPollBytesNote, tryThis } from './explanations';
import { useLab } from './store-hooks';

/** localStorage key: "hidden" once the learner folded the explanation away. */
export const EXPLANATION_KEY = 'realtime-lab:explanation';

/**
 * The selected technique in a few sentences, beside the diagram, with one
 * thing to try first. Compact: the first sentence and the prompt show; "More"
 * unfolds the rest; the whole strip folds to one line and stays folded.
 */
export function Explanation() {
  const technique = useLab((s) => s.technique);
  const knobs = useLab((s) => s.knobs);
  // A few messages a second: where long polling's bytes per message surprise.
  const busy = useLab((s) => Math.max(s.autoRate, s.serverSource?.ratePerSecond ?? 0) >= 2);
  const [open, setOpen] = useState(() => readFlag(EXPLANATION_KEY) !== 'hidden');
  const [more, setMore] = useState(false);
  const [lead, ...rest] = explain(technique, knobs);
  const toggle = () => {
    writeFlag(EXPLANATION_KEY, open ? 'hidden' : null);
    setOpen(!open);
  };
  return (
    <section
      className={`explanation${open ? '' : ' explanation--folded'}`}
      id="technique-panel"
      role="tabpanel"
      aria-labelledby={`tab-${technique}`}
      data-testid="explanation"
    >
      <div className="explanation__head">
        <h2>{TECHNIQUE_LABELS[technique]}</h2>
        <span className="explanation__hint">
          {open
            ? 'Click any arrow or bar in the diagram to see its raw bytes.'
            : 'how it works, and what to try'}
        </span>
        <button
          type="button"
          className="link explanation__fold"
          aria-expanded={open}
          aria-controls="explanation-body"
          onClick={toggle}
        >
          {open ? 'Hide explanation' : 'Show explanation'}
        </button>
      </div>
      {open && (
        <div className="explanation__body" id="explanation-body">
          <div className="explanation__text">
            <p>
              {lead}{' '}
              <button
                type="button"
                className="link"
                aria-expanded={more}
                aria-controls="explanation-more"
                onClick={() => setMore(!more)}
              >
                {more ? 'Less' : 'More'}
              </button>
            </p>
            {more && (
              <div id="explanation-more">
                {rest.map((sentence) => (
                  <p key={sentence}>{sentence}</p>
                ))}
                {technique === 'long-poll' && !busy && (
                  <p className="surprise-note" data-testid="note-long-poll-bytes">
                    {longPollBytesNote(knobs.pollIntervalMs)}
                  </p>
                )}
              </div>
            )}
            {technique === 'long-poll' && busy && (
              <p className="surprise-note" data-testid="note-long-poll-bytes">
                {longPollBytesNote(knobs.pollIntervalMs)}
              </p>
            )}
          </div>
          <p className="try-this" data-testid="try-this">
            <strong>Try this</strong> {tryThis(technique, knobs)}
          </p>
        </div>
      )}
    </section>
  );
}
