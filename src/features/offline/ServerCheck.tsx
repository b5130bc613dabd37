import { useEffect, useRef, useState } from 'react';
import { checkHealth, type Health } from './health';
import { withOfflineParam } from './offline-mode';
import './offline.css';

/** How often the check runs again while the notice is up: it goes by itself once the server answers. */
const RECHECK_MS = 5000;

type Check =
  | { status: 'checking' }
  | { status: 'up' }
  | { status: 'down'; reason: string }
  | { status: 'closed' };

/** The next state once a check came back: a closed notice stays closed. */
function afterCheck(current: Check, health: Health): Check {
  if (current.status === 'closed') return current;
  return health.status === 'up' ? { status: 'up' } : { status: 'down', reason: health.reason };
}

/** Opens this same page offline: `offline=1` added, every other parameter kept (share links survive). */
export function runOffline(): void {
  location.assign(withOfflineParam(location.href));
}

/** Checks the server now, then again every few seconds while it does not answer, until closed. */
function useServerCheck(check: () => Promise<Health>): [Check, () => void] {
  const [state, setState] = useState<Check>({ status: 'checking' });
  const closed = useRef(false);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      const health = await check();
      if (stopped || closed.current) return;
      setState((current) => afterCheck(current, health));
      if (health.status === 'down') timer = setTimeout(() => void run(), RECHECK_MS);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [check]);
  const close = () => {
    closed.current = true;
    setState({ status: 'closed' });
  };
  return [state, close];
}

/**
 * The normal build's check that the lab server is there (`GET /api/health`).
 * When it does not answer, a notice says so and offers to run offline: the
 * same page with `offline=1`, the server simulated in the tab.
 */
export function ServerCheck({ check = checkHealth }: { check?: () => Promise<Health> }) {
  const [state, close] = useServerCheck(check);
  const runButton = useRef<HTMLButtonElement>(null);
  const down = state.status === 'down';
  useEffect(() => {
    if (down) runButton.current?.focus();
  }, [down]);
  if (state.status !== 'down') return null;
  return (
    <div
      className="server-check"
      role="alertdialog"
      aria-labelledby="server-check-title"
      aria-describedby="server-check-text"
      data-testid="server-check"
      onKeyDown={(event) => {
        if (event.key === 'Escape') close();
      }}
    >
      <h2 id="server-check-title">The lab server does not answer</h2>
      <p id="server-check-text">
        Every technique here runs against the lab server, and <code>GET /api/health</code> got{' '}
        {state.reason}. Start it with <code>npm start</code> and this notice goes by itself — or run
        offline: the server simulated in this tab, labelled as simulated, nothing sent over the
        network.
      </p>
      <div className="server-check__buttons">
        <button ref={runButton} type="button" className="primary" onClick={runOffline}>
          Run offline
        </button>
        <button type="button" onClick={close}>
          Close
        </button>
      </div>
    </div>
  );
}
