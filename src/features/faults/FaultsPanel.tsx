import { useEffect, useState } from 'react';
import { checkRange } from '../../core';
import { NumberField } from '../NumberField';
import { readFaults, setFaults, type FaultRequest, type FaultState } from './faults-api';

const LATENCY = { min: 0, max: 10_000 };
const DOWN_FOR = { min: 0, max: 60_000 };

/**
 * Break the connection on purpose: each button is one POST /api/faults. The
 * server draws each fault on the diagram as a band, from when it was set to
 * when it was lifted.
 */
export function FaultsPanel() {
  const [state, setState] = useState<FaultState | null>(null);
  const [downFor, setDownFor] = useState(3000);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    readFaults().then(
      (s) => live && setState(s),
      (e: unknown) => live && setProblem(`The faults could not be read: ${String(e)}`),
    );
    return () => {
      live = false;
    };
  }, []);
  const apply = (request: FaultRequest) => {
    setFaults(request).then(
      (s) => {
        setState(s);
        setProblem(null);
      },
      (e: unknown) =>
        setProblem(`The server refused the fault: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  const latency = state?.latencyMs ?? { up: 0, down: 0 };
  const latencyField = (dir: 'up' | 'down', label: string) => (
    <NumberField
      id={`fault-latency-${dir}`}
      label={label}
      unit="ms"
      value={latency[dir]}
      min={LATENCY.min}
      max={LATENCY.max}
      commit={(value) => {
        const error = checkRange(label, value, LATENCY, { unit: 'ms', whole: true });
        if (!error) apply({ latencyMs: { [dir]: value } });
        return error;
      }}
    />
  );
  return (
    <section className="faults" aria-label="Faults">
      <h2>Faults</h2>
      <p className="faults__note">
        These act on the lab server, so every page using it feels them.
      </p>
      <div className="faults__actions">
        <button type="button" onClick={() => apply({ drop: true })}>
          Drop connections
        </button>
        <button type="button" onClick={() => apply({ silence: true })}>
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
      {latencyField('up', 'Added latency up')}
      {latencyField('down', 'Added latency down')}
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
