import { useEffect, useRef, useState } from 'react';
import {
  LIVE_LOAD_LIMITS,
  liveStatusLine,
  progressPercent,
  type LiveRunBody,
} from '../../core/load-live';
import type { LoadResults } from '../../core/load-results';
import { readLiveRun, startLiveRun } from './live-api';

/** How often the page asks where a running measurement is, ms. */
const POLL_MS = 300;

/**
 * The panel's life cycle: nothing asked yet, the POST out, following a running run (polling),
 * the run ended (done or failed), or a refusal or failure before any run could be followed.
 */
type LivePanel =
  | { phase: 'ready' }
  | { phase: 'starting' }
  | { phase: 'following'; run: LiveRunBody }
  | { phase: 'ended'; run: LiveRunBody }
  | { phase: 'refused'; reason: string };

function panelOf(run: LiveRunBody): LivePanel {
  return run.state === 'running' ? { phase: 'following', run } : { phase: 'ended', run };
}

/** Polls while a run is followed; hands the results over once it is done. */
function useLivePanel(onResults: (results: LoadResults) => void, online: boolean) {
  const [panel, setPanel] = useState<LivePanel>({ phase: 'ready' });
  const told = useRef(onResults);
  useEffect(() => {
    told.current = onResults;
  }, [onResults]);

  // A run started elsewhere (another tab) and still running is followed from the start.
  useEffect(() => {
    if (!online) return;
    const abort = new AbortController();
    void readLiveRun(abort.signal).then(
      (answer) => {
        if (answer.ok && answer.run.state === 'running')
          setPanel((now) => (now.phase === 'ready' ? panelOf(answer.run) : now));
      },
      () => undefined,
    );
    return () => abort.abort();
  }, [online]);

  const following = panel.phase === 'following' ? panel.run : null;
  useEffect(() => {
    if (!following) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      void readLiveRun(abort.signal).then(
        (answer) => {
          if (!answer.ok) {
            setPanel({ phase: 'refused', reason: answer.reason });
            return;
          }
          if (answer.run.state === 'done' && answer.run.results) told.current(answer.run.results);
          setPanel(panelOf(answer.run));
        },
        () => undefined,
      );
    }, POLL_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [following]);

  const abortStart = useRef<AbortController | null>(null);
  useEffect(() => () => abortStart.current?.abort(), []);
  const start = (clients: number | undefined) => {
    const abort = new AbortController();
    abortStart.current = abort;
    setPanel({ phase: 'starting' });
    void startLiveRun(clients, abort.signal).then(
      (answer) =>
        setPanel(answer.ok ? panelOf(answer.run) : { phase: 'refused', reason: answer.reason }),
      () => undefined,
    );
  };
  return { panel, start };
}

function statusLine(panel: LivePanel): string {
  switch (panel.phase) {
    case 'ready':
      return '';
    case 'starting':
      return 'Asking the lab server to start…';
    case 'refused':
      return `The lab server did not run it: ${panel.reason}.`;
    case 'following':
    case 'ended':
      return liveStatusLine(panel.run);
  }
}

function runOf(panel: LivePanel): LiveRunBody | null {
  return panel.phase === 'following' || panel.phase === 'ended' ? panel.run : null;
}

/** The bar: steps done of the run's total, 0 before a run, 100 once done. */
function ProgressBar({ panel }: { panel: LivePanel }) {
  const run = runOf(panel);
  const percent = run ? progressPercent(run) : 0;
  return (
    <div
      className="load-lesson__live-bar"
      role="progressbar"
      aria-label="Live measurement progress"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={run ? `${percent} %: ${run.done} of ${run.total} steps` : `${percent} %`}
      data-testid="load-live-progress"
    >
      <div className="load-lesson__live-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}

/** The line under the bar: the step running, the outcome, or the server's refusal. */
function StatusLine({ panel }: { panel: LivePanel }) {
  const failed = panel.phase === 'refused' || runOf(panel)?.state === 'failed';
  return (
    <p
      className={`load-lesson__live-status${failed ? ' load-lesson__live-status--failed' : ''}`}
      role="status"
      data-testid="load-live-status"
    >
      {statusLine(panel)}
    </p>
  );
}

/**
 * "Run a live measurement": the lab server runs the load lab's harness, small (N connections
 * per technique, at most 20 s), in processes of its own; a progress bar and a status line
 * follow it, and its figures are handed to the lesson once it is done. Offline the button is
 * shown disabled, described by the sentence that says it needs the lab server.
 */
export function LiveRun({
  clients,
  onResults,
  needsServer,
}: {
  /** N per technique from `?loadClients=`; undefined: the server's default. */
  clients: number | undefined;
  onResults: (results: LoadResults) => void;
  /** Offline: the id of the sentence saying it needs the lab server. */
  needsServer?: string;
}) {
  const online = needsServer === undefined;
  const { panel, start } = useLivePanel(onResults, online);
  const busy = panel.phase === 'starting' || panel.phase === 'following';
  const n = (clients ?? LIVE_LOAD_LIMITS.defaultClients).toLocaleString('en');
  return (
    <div className="load-lesson__live" data-testid="load-live">
      <p className="load-lesson__live-what">
        Measure it here and now: the lab server runs the same harness in processes of its own, with{' '}
        {n} connections per technique, for at most {LIVE_LOAD_LIMITS.budgetMs / 1_000} s; what does
        not fit in that time is left out, and the figures say so.
      </p>
      <div className="load-lesson__live-row">
        <button
          type="button"
          onClick={() => start(clients)}
          disabled={busy || !online}
          aria-describedby={needsServer}
        >
          Run a live measurement
        </button>
        {online && <ProgressBar panel={panel} />}
      </div>
      {online && <StatusLine panel={panel} />}
    </div>
  );
}
