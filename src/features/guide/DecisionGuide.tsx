import { useEffect, useRef, useState, type RefObject } from 'react';
import {
  completeAnswers,
  GUIDE_QUESTIONS,
  guidePresetTitle,
  isAnswered,
  recommend,
  recommendationTitle,
  type GuideDraft,
  type GuideQuestion,
} from '../../core';
import { keepOffline } from '../offline/offline-mode';

const QUESTION_COUNT = GUIDE_QUESTIONS.length;

/** One question: radio buttons for a single answer, checkboxes for any number. */
function QuestionFieldset({
  question,
  draft,
  onChange,
}: {
  question: GuideQuestion;
  draft: GuideDraft;
  onChange: (draft: GuideDraft) => void;
}) {
  const value = draft[question.id];
  const chosen = new Set<string>(Array.isArray(value) ? value : value ? [value as string] : []);
  const hintId = `guide-${question.id}-hint`;
  return (
    <fieldset
      className="decision-guide__question"
      {...(question.hint ? { 'aria-describedby': hintId } : {})}
    >
      <legend>{question.prompt}</legend>
      {question.hint && (
        <p id={hintId} className="decision-guide__hint">
          {question.hint}
        </p>
      )}
      {question.options.map((option) => (
        <label key={option.value} className="decision-guide__option">
          <input
            type={question.multiple ? 'checkbox' : 'radio'}
            name={`guide-${question.id}`}
            value={option.value}
            checked={chosen.has(option.value)}
            onChange={(event) => {
              if (!question.multiple) {
                onChange({ ...draft, [question.id]: option.value });
                return;
              }
              const next = new Set(chosen);
              if (event.target.checked) next.add(option.value);
              else next.delete(option.value);
              // Keep the options' own order, whatever order they were ticked in.
              const ordered = question.options.map((o) => o.value).filter((v) => next.has(v));
              onChange({ ...draft, [question.id]: ordered });
            }}
          />
          <span>{option.label}</span>
        </label>
      ))}
    </fieldset>
  );
}

/**
 * The decision guide: four questions, one at a time, then a recommendation
 * with its reasons, what the design must also cover, the common mistakes, and
 * a link that opens the matching preset.
 */
export function DecisionGuide() {
  // The question shown, or QUESTION_COUNT for the result.
  const [step, setStep] = useState(0);
  // The checkbox question starts answered with "none", so Next works without ticking any.
  const [draft, setDraft] = useState<GuideDraft>({ cover: [] });
  const focusRef = useRef<HTMLElement | null>(null);
  const moved = useRef(false);

  // After Back or Next, move focus to the new screen so keyboard and screen-reader users follow.
  useEffect(() => {
    if (!moved.current) return;
    focusRef.current?.focus();
  }, [step]);

  const go = (to: number) => {
    moved.current = true;
    setStep(to);
  };

  const answers = completeAnswers(draft);
  const showResult = step >= QUESTION_COUNT && answers !== null;
  const question = GUIDE_QUESTIONS[Math.min(step, QUESTION_COUNT - 1)]!;
  const canGoOn = isAnswered(question, draft);

  return (
    <section className="decision-guide" aria-label="Decision guide" data-testid="decision-guide">
      <h2>Which technique fits?</h2>
      {!showResult ? (
        <form
          className="decision-guide__step"
          onSubmit={(event) => {
            event.preventDefault();
            if (canGoOn) go(step + 1);
          }}
        >
          <p
            className="decision-guide__progress"
            tabIndex={-1}
            ref={(node) => {
              focusRef.current = node;
            }}
          >
            Question {step + 1} of {QUESTION_COUNT}
          </p>
          <QuestionFieldset question={question} draft={draft} onChange={setDraft} />
          <div className="decision-guide__nav">
            <button type="button" disabled={step === 0} onClick={() => go(step - 1)}>
              Back
            </button>
            <button type="submit" className="primary" disabled={!canGoOn}>
              Next
            </button>
          </div>
        </form>
      ) : (
        <Result
          answers={answers}
          focusRef={focusRef}
          onBack={() => go(QUESTION_COUNT - 1)}
          onClear={() => {
            setDraft({ cover: [] });
            go(0);
          }}
        />
      )}
    </section>
  );
}

function Result({
  answers,
  focusRef,
  onBack,
  onClear,
}: {
  answers: NonNullable<ReturnType<typeof completeAnswers>>;
  focusRef: RefObject<HTMLElement | null>;
  onBack: () => void;
  onClear: () => void;
}) {
  const result = recommend(answers);
  const title = guidePresetTitle(result);
  return (
    <div className="decision-guide__result" data-technique={result.technique}>
      <h3
        tabIndex={-1}
        ref={(node) => {
          focusRef.current = node;
        }}
      >
        {recommendationTitle(result)}
      </h3>
      <h4>Why</h4>
      <ul data-testid="guide-reasons">
        {result.reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
      <h4>Also cover</h4>
      <ul data-testid="guide-also-cover">
        {result.alsoCover.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
      <h4>Common mistakes</h4>
      <ul data-testid="guide-mistakes" className="decision-guide__mistakes">
        {result.mistakes.map((mistake) => (
          <li key={mistake}>{mistake}</li>
        ))}
      </ul>
      <div className="decision-guide__nav">
        <button type="button" onClick={onBack}>
          Back
        </button>
        <button type="button" onClick={onClear}>
          Clear answers
        </button>
        <a className="decision-guide__open" href={keepOffline(`?preset=${result.preset}`)}>
          Open the {title} preset
        </a>
      </div>
    </div>
  );
}
