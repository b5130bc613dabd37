import { useEffect, useRef, useState } from 'react';
import { NumberField } from '../NumberField';
import { NeedsServer } from '../offline/NeedsServer';
import { NEEDS_SERVER_WHY } from '../offline/needs-server';
import { useOffline } from '../offline/offline-mode';
import {
  STORM_FIELDS,
  STORM_FIELD_ORDER,
  checkStormField,
  initialStormSettings,
  type StormField,
  type StormResult,
} from './histogram';
import { StormOutcome } from './StormOutcome';

type LessonState =
  | { status: 'idle' }
  | { status: 'running'; settings: Record<StormField, number> }
  | { status: 'done'; result: StormResult }
  | { status: 'failed'; reason: string };

/** What the learner sees, in our own words. */
const EXPLANATION = [
  'Without jitter every client computes the same wait from the same moment, so the whole crowd retries at the same instants: the server, barely back, takes all of them at once — a spike that can knock it over again — and everyone it refuses returns together for the next spike.',
  'With full jitter each client waits a random time between zero and its backoff ceiling, so the same retries spread over that window and the peak drops to a fraction of the crowd.',
  'The price is a wait: the unluckiest clients get in later, and some retry while the server is still down.',
  'The idea and its measurements come from the AWS Architecture Blog post “Exponential Backoff And Jitter” (Marc Brooker, 2015).',
];

async function postStorm(
  settings: Record<StormField, number>,
  signal: AbortSignal,
): Promise<StormResult> {
  let response: Response;
  try {
    response = await fetch('/api/storm', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(settings),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new Error('the lab server could not be reached', { cause: error });
  }
  const body = (await response.json().catch(() => null)) as StormResult | { error?: string } | null;
  if (!response.ok) {
    const said = body && 'error' in body && typeof body.error === 'string' ? `: ${body.error}` : '';
    throw new Error(`the server answered ${response.status}${said}`);
  }
  if (!body || !('runs' in body) || body.runs.length !== 2) {
    throw new Error('the server’s answer has no runs');
  }
  return body;
}

/** The storm's settings, one number field each. */
function StormFields({
  settings,
  disabled,
  commit,
}: {
  settings: Record<StormField, number>;
  disabled: boolean;
  commit: (field: StormField) => (value: number) => string | null;
}) {
  return (
    <div className="storm-lesson__form">
      {STORM_FIELD_ORDER.map((field) => {
        const spec = STORM_FIELDS[field];
        return (
          <NumberField
            key={field}
            id={`storm-${field}`}
            label={spec.label}
            {...(spec.unit ? { unit: spec.unit } : {})}
            value={settings[field]}
            min={spec.min}
            max={spec.max}
            step={spec.step}
            disabled={disabled}
            commit={commit(field)}
          />
        );
      })}
    </div>
  );
}

/**
 * The reconnection-storm lesson: the server restarts a listener of its own,
 * hundreds of real clients reconnect to it with exponential backoff, without
 * and with full jitter, and the histogram shows the requests it received per
 * 100 ms in each case. Offline, where no such clients exist, it says so
 * instead of running.
 */
export function StormLesson() {
  const offline = useOffline();
  return (
    <section className="storm-lesson" aria-label="Reconnection storm lesson">
      <h2>The reconnection storm</h2>
      <p className="storm-lesson__intro">
        A server restarts and every client it had loses its connection at once. Each client
        reconnects with exponential backoff: its n-th wait is base · 2ⁿ, at most the cap. The lab
        server plays this for real on a port of its own — a listener that refuses (503) for the
        “down for” time, then answers 200 — twice: without jitter, then with full jitter.
      </p>
      {offline ? <NeedsServer why={NEEDS_SERVER_WHY.storm} /> : <StormRun />}
      <p className="storm-lesson__why">{EXPLANATION.join(' ')}</p>
    </section>
  );
}

/** The storm's settings, its Run button, and what the run gave. */
function StormRun() {
  const [settings, setSettings] = useState(initialStormSettings);
  const [invalid, setInvalid] = useState<ReadonlySet<StormField>>(new Set());
  const [state, setState] = useState<LessonState>({ status: 'idle' });
  const abortRef = useRef<AbortController | null>(null);
  useEffect(() => () => abortRef.current?.abort(), []);

  const running = state.status === 'running';

  const commit = (field: StormField) => (value: number) => {
    const problem = checkStormField(field, value);
    setInvalid((current) => {
      const next = new Set(current);
      if (problem) next.add(field);
      else next.delete(field);
      return next;
    });
    if (!problem) setSettings((current) => ({ ...current, [field]: value }));
    return problem;
  };

  const run = () => {
    if (running || invalid.size > 0) return;
    const controller = new AbortController();
    abortRef.current = controller;
    setState({ status: 'running', settings });
    postStorm(settings, controller.signal)
      .then((result) => {
        if (!controller.signal.aborted) setState({ status: 'done', result });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setState({
          status: 'failed',
          reason: error instanceof Error ? error.message : String(error),
        });
      });
  };

  return (
    <>
      <StormFields settings={settings} disabled={running} commit={commit} />
      <div className="storm-lesson__buttons">
        <button type="button" disabled={running || invalid.size > 0} onClick={run}>
          {running ? 'Running…' : 'Run the storm'}
        </button>
      </div>
      <p className="storm-lesson__status" role="status">
        {state.status === 'running'
          ? `${state.settings.clients} clients are reconnecting without jitter, then with jitter; each run stops once all are back (at most 30 s).`
          : invalid.size > 0
            ? 'Fix the marked value to run the storm.'
            : ''}
      </p>
      {state.status === 'failed' && (
        <p className="storm-lesson__failed" role="alert">
          The storm did not run: {state.reason}.
        </p>
      )}
      {state.status === 'done' && <StormOutcome result={state.result} />}
    </>
  );
}
