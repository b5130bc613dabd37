import { useEffect, useState } from 'react';
import { checkRange, DEMO_HEARTBEAT_MS } from '../../core';
import { NumberField } from '../NumberField';
import { useOffline } from '../offline/offline-mode';
import { labController } from '../playground/controller';
import { useLab } from '../playground/store-hooks';
import { DEMO_HEARTBEATS_KEY } from '../presenter/shortcuts';
import { faultSentences, halfOpenHint } from './fault-words';
import {
  onFaults,
  readFaults,
  setFaults,
  type FaultChange,
  type FaultRequest,
  type FaultState,
} from './faults-api';

const LATENCY = { min: 0, max: 10_000 };
const DOWN_FOR = { min: 0, max: 60_000 };
/** How often the panel asks the server for its faults (another page, or a shortcut, may set them). */
export const FAULTS_POLL_MS = 2_000;

/**
 * The faults in force as the server has them: this page's changes at once,
 * others' within FAULTS_POLL_MS; the clock moved on when a reboot is over, so
 * its sentence changes at that moment.
 */
function useServerFaults(offsetMs: number) {
  const [state, setState] = useState<FaultState | null>(null);
  /** The last drop or silence this page asked for: those leave no state to read back. */
  const [lastAction, setLastAction] = useState<FaultChange | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    let live = true;
    const unsubscribe = onFaults((change) => {
      if (!live) return;
      setState(change.state);
      setNow(change.at);
      setProblem(null);
      if (change.request?.drop || change.request?.silence) setLastAction(change);
    });
    const read = () =>
      readFaults().catch(
        (e: unknown) => live && setProblem(`The faults could not be read: ${String(e)}`),
      );
    void read();
    const timer = setInterval(() => void read(), FAULTS_POLL_MS);
    return () => {
      live = false;
      unsubscribe();
      clearInterval(timer);
    };
  }, []);

  // A reboot in progress says "back at …"; once it is over the sentence changes, at that moment.
  const backAt = state?.lastRestart ? state.lastRestart.at + state.lastRestart.downForMs : null;
  const restarting = state?.restartingUntil != null;
  useEffect(() => {
    if (backAt === null || !restarting) return;
    const left = backAt - offsetMs - now;
    if (left <= 0) return;
    const timer = setTimeout(() => setNow(Date.now()), left + 50);
    return () => clearTimeout(timer);
  }, [backAt, offsetMs, now, restarting]);

  return { state, lastAction, problem, setProblem, now };
}

/** The added latency one way, as the server has it; a valid value is set at once. */
function LatencyField({
  dir,
  label,
  value,
  apply,
}: {
  dir: 'up' | 'down';
  label: string;
  value: number;
  apply: (request: FaultRequest) => void;
}) {
  return (
    <NumberField
      id={`fault-latency-${dir}`}
      label={label}
      unit="ms"
      value={value}
      min={LATENCY.min}
      max={LATENCY.max}
      commit={(next) => {
        const error = checkRange(label, next, LATENCY, { unit: 'ms', whole: true });
        if (!error) apply({ latencyMs: { [dir]: next } });
        return error;
      }}
    />
  );
}

/** Who feels a fault: every page on the lab server, or this tab alone offline. */
function FaultsScope() {
  const offline = useOffline();
  return (
    <p className="faults__note">
      {offline
        ? 'They act on the simulated server in this tab: other tabs do not feel them.'
        : 'They act on the lab server: every page using it feels them.'}
    </p>
  );
}

/**
 * Break the connection on purpose: each button is one POST /api/faults. The
 * server draws each fault on the diagram as a band, from when it was set to
 * when it was lifted. The panel shows the faults in force as the server has
 * them (its own changes at once, others' within two seconds), in plain words.
 */
export function FaultsPanel() {
  const [downFor, setDownFor] = useState(3000);
  const knobs = useLab((s) => s.knobs);
  const offsetMs = useLab((s) => s.clock?.offsetMs ?? 0);
  const { state, lastAction, problem, setProblem, now } = useServerFaults(offsetMs);

  const apply = (request: FaultRequest) => {
    setFaults(request).catch((e: unknown) =>
      setProblem(`The server refused the fault: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  const latency = state?.latencyMs ?? { up: 0, down: 0 };
  const demoOn =
    knobs.sseHeartbeatMs === DEMO_HEARTBEAT_MS && knobs.wsHeartbeatMs === DEMO_HEARTBEAT_MS;
  return (
    <section className="faults" aria-label="Faults">
      <h2>Faults</h2>
      <FaultsScope />
      {state && (
        <div className="faults__status" data-testid="faults-status" aria-live="polite">
          {faultSentences({ state, last: lastAction, now, offsetMs }).map((line) => (
            <p key={line}>{line}</p>
          ))}
        </div>
      )}
      <div className="faults__actions">
        <button type="button" onClick={() => apply({ drop: true })}>
          Drop connections
        </button>
        <button
          type="button"
          onClick={() => apply({ silence: true })}
          aria-describedby="faults-half-open-hint"
        >
          Go silent (half-open)
        </button>
        <button
          type="button"
          aria-pressed={state?.blockWebSockets ?? false}
          onClick={() => apply({ blockWebSockets: !(state?.blockWebSockets ?? false) })}
        >
          {state?.blockWebSockets ? 'Allow WebSockets' : 'Block WebSockets'}
        </button>
      </div>
      <p className="faults__hint" id="faults-half-open-hint">
        {halfOpenHint(knobs, DEMO_HEARTBEATS_KEY)}
      </p>
      <button
        type="button"
        aria-pressed={demoOn}
        disabled={demoOn}
        onClick={() => labController.demoHeartbeats()}
      >
        Demo heartbeats (2 s)
      </button>
      <NumberField
        id="fault-down-for"
        label="Down for"
        unit="ms"
        value={downFor}
        min={DOWN_FOR.min}
        max={DOWN_FOR.max}
        commit={(value) => {
          const error = checkRange('Down for', value, DOWN_FOR, { unit: 'ms', whole: true });
          if (!error) setDownFor(value);
          return error;
        }}
      />
      <button type="button" onClick={() => apply({ restart: { downForMs: downFor } })}>
        Reboot server
      </button>
      <LatencyField dir="up" label="Added latency up" value={latency.up} apply={apply} />
      <LatencyField dir="down" label="Added latency down" value={latency.down} apply={apply} />
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
