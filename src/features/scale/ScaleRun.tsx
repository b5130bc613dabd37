import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { TECHNIQUE_LABELS, TECHNIQUES, type Technique } from '../../core';
import { scaleController } from './scale-controller';
import { personTitle } from './gateway-colours';
import { useScale } from './use-scale';

/** The "Technique" tab list of the run through the balancer. */
function ScaleTechniqueTabs() {
  const technique = useScale((s) => s.technique);
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const at = TECHNIQUES.indexOf(technique);
    const next = TECHNIQUES[(at + step + TECHNIQUES.length) % TECHNIQUES.length]!;
    scaleController.setTechnique(next);
    refs.current[TECHNIQUES.indexOf(next)]?.focus();
  };
  return (
    <div role="tablist" aria-label="Technique" className="technique-tabs" onKeyDown={onKeyDown}>
      {TECHNIQUES.map((t: Technique, i) => (
        <button
          key={t}
          ref={(el) => {
            refs.current[i] = el;
          }}
          role="tab"
          type="button"
          aria-selected={t === technique}
          tabIndex={t === technique ? 0 : -1}
          onClick={() => scaleController.setTechnique(t)}
        >
          {TECHNIQUE_LABELS[t]}
        </button>
      ))}
    </div>
  );
}

function ScaleComposer({ disabled }: { disabled: boolean }) {
  const [text, setText] = useState('');
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (await scaleController.send(text)) setText('');
  };
  return (
    <form className="composer" onSubmit={(e) => void onSubmit(e)}>
      <label htmlFor="scale-message">Message</label>
      <div className="composer__row">
        <input
          id="scale-message"
          type="text"
          value={text}
          maxLength={2000}
          placeholder="from alice…"
          autoComplete="off"
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" disabled={disabled}>
          Send
        </button>
      </div>
    </form>
  );
}

/** Alice sends, Bob and Carol receive, all through the balancer; each receiver's last messages. */
function ScaleParticipants() {
  const sender = useScale((s) => s.sender);
  const receivers = useScale((s) => s.receivers);
  const inboxes = useScale((s) => s.inboxes);
  const registry = useScale((s) => s.registry);
  const where = (user: string) =>
    [...new Set(registry.filter((e) => e.user === user).map((e) => e.gateway))].join(', ') ||
    'not connected';
  return (
    <div className="participants">
      <p className="participants__sender">
        <strong>{personTitle(sender)}</strong> sends ·{' '}
        <span data-testid={`where-${sender}`}>{where(sender)}</span>
      </p>
      <ul className="participants__receivers">
        {receivers.map((name) => (
          <li key={name} data-testid={`receiver-${name}`}>
            <div className="participants__row">
              <strong>{personTitle(name)}</strong> receives ·{' '}
              <span data-testid={`where-${name}`}>{where(name)}</span>
            </div>
            <ol
              className="inbox"
              aria-label={`${personTitle(name)}'s inbox`}
              data-testid={`inbox-${name}`}
            >
              {(inboxes[name] ?? []).map((message) => (
                <li key={message.id}>
                  <span className="inbox__id">#{message.id}</span> {message.text}
                </li>
              ))}
              {(inboxes[name] ?? []).length === 0 && <li className="inbox__empty">nothing yet</li>}
            </ol>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A run through the balancer: technique, Start run / Stop run, the message box, the inboxes. */
export function ScaleRun() {
  const run = useScale((s) => s.run);
  const phase = useScale((s) => s.phase);
  return (
    <section className="scale-panel" aria-label="Run through the balancer">
      <h2>Run through the balancer</h2>
      <ScaleTechniqueTabs />
      <div className="scale__buttons">
        {run === 'stopped' ? (
          <button
            type="button"
            disabled={phase !== 'running'}
            onClick={() => void scaleController.startRun()}
          >
            Start run
          </button>
        ) : (
          <button type="button" onClick={() => scaleController.stopRun()}>
            Stop run
          </button>
        )}
        <span className="scale__hint" data-testid="scale-run-state" data-value={run}>
          {run === 'running' ? 'running' : run === 'starting' ? 'connecting…' : 'stopped'}
        </span>
      </div>
      <ScaleComposer disabled={run === 'stopped'} />
      <ScaleParticipants />
    </section>
  );
}
