import { useCallback, useEffect, useRef, useState } from 'react';
import { liveRunTitle, parseLiveClients } from '../../core/load-live';
import type { LoadResults } from '../../core/load-results';
import { ARTICLE_USERS } from '../../core/load-projection';
import {
  PROJECTION_MEMORY_SHARE,
  RSS_RELIABLE_FROM,
  isLoadResults,
  memoryBasis,
  verdicts,
  wsProjection,
} from '../../core/load-view';
import { NeedsServer } from '../offline/NeedsServer';
import { NEEDS_SERVER_WHY } from '../offline/needs-server';
import { useOffline } from '../offline/offline-mode';
import { useWidth } from '../useWidth';
import { LiveRun } from './LiveRun';
import { FanOutChart, MemoryChart, RequestRateChart } from './LoadCharts';
import './load.css';

type LoadState =
  | { status: 'loading' }
  | { status: 'none'; reason: string }
  | { status: 'shown'; results: LoadResults };

const GB = 1e9;

/** The newest load run the lab server has (GET /api/load/results). */
async function fetchResults(signal: AbortSignal): Promise<LoadState> {
  let response: Response;
  try {
    response = await fetch('/api/load/results', { signal });
  } catch {
    return { status: 'none', reason: 'the lab server could not be reached' };
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.status === 404) {
    return {
      status: 'none',
      reason: 'no load run on this machine yet: run npm run bench:load, then come back',
    };
  }
  if (!response.ok || !isLoadResults(body)) {
    return { status: 'none', reason: `the server answered ${response.status} without a load run` };
  }
  return { status: 'shown', results: body };
}

function Machine({ results }: { results: LoadResults }) {
  const m = results.machine;
  return (
    <p className="load-lesson__machine" data-testid="load-machine">
      Measured{' '}
      {new Date(results.measuredAt).toLocaleString('en-GB', {
        dateStyle: 'medium',
        timeStyle: 'short',
      })}{' '}
      on {m.cores} cores ({m.cpu}), {(m.memoryBytes / GB).toFixed(1)} GB of memory, Node {m.node}.
      Another machine gives other figures: compare the ratios, not the numbers.
    </p>
  );
}

function Projection({ results }: { results: LoadResults }) {
  const p = wsProjection(results);
  if (!p) return null;
  const gb = (bytes: number) => `${(bytes / GB).toFixed(1)} GB`;
  return (
    <table className="load-lesson__projection" data-testid="load-projection">
      <caption>
        At the article’s scale, from this run’s WebSocket figure ({PROJECTION_MEMORY_SHARE * 100} %
        of this machine’s memory for idle connections)
      </caption>
      <tbody>
        <tr>
          <th scope="row">100K connections</th>
          <td>{gb(p.memoryAt100k)}</td>
        </tr>
        <tr>
          <th scope="row">1M connections</th>
          <td>{gb(p.memoryAt1m)} (the article: 2–10 GB)</td>
        </tr>
        <tr>
          <th scope="row">connections per server</th>
          <td>{p.connectionsPerServer.toLocaleString('en')} (the article: 100K–1M)</td>
        </tr>
        <tr>
          <th scope="row">servers for {ARTICLE_USERS.toLocaleString('en')} users</th>
          <td>
            {p.serversNeeded.toLocaleString('en')} (the article’s range:{' '}
            {p.serversAtArticle.at1m.toLocaleString('en')}–
            {p.serversAtArticle.at100k.toLocaleString('en')})
          </td>
        </tr>
      </tbody>
    </table>
  );
}

/**
 * N of the live run from the address the page was loaded with (`?loadClients=20`, README "Load
 * lab"; the browser test's smaller run): read when this module loads, since the address is
 * rewritten to the page's share link right after (share/restore.ts).
 */
const LIVE_CLIENTS = parseLiveClients(
  new URLSearchParams(globalThis.location?.search ?? '').get('loadClients'),
);

/** Which run the figures show, once a live one has been measured. */
type Shown = 'live' | 'committed';

/** The committed run's figures, or why there are none. */
function Committed({ state, width }: { state: LoadState; width: number }) {
  if (state.status === 'loading') return <p>Reading the newest load run…</p>;
  if (state.status === 'none') {
    return (
      <p className="load-lesson__none" data-testid="load-none">
        Nothing to show: {state.reason}.
      </p>
    );
  }
  const n = state.results.settings?.clients.map((c) => c.toLocaleString('en')).join(' / ');
  return (
    <LoadFigures
      results={state.results}
      width={width}
      testId="load-results"
      title={`Committed run of npm run bench:load (bench/results)${n ? `: N = ${n}` : ''}`}
    />
  );
}

/** The choice between the live run's figures and the committed run's. */
const RUN_CHOICES: readonly { shown: Shown; label: string }[] = [
  { shown: 'live', label: 'the live run' },
  { shown: 'committed', label: 'the committed run' },
];

function RunChoice({ shown, choose }: { shown: Shown; choose: (shown: Shown) => void }) {
  return (
    <fieldset className="load-lesson__choice">
      <legend>Figures from</legend>
      {RUN_CHOICES.map((choice) => (
        <label key={choice.shown}>
          <input
            type="radio"
            name="load-run-shown"
            checked={shown === choice.shown}
            onChange={() => choose(choice.shown)}
          />{' '}
          {choice.label}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * "What a connection costs": the load lab's newest run — memory per idle connection per
 * technique against the article's 2–10 KB, fan-out latency against N, requests a second —
 * each beside its bare baseline from the same run, with the machine and what it projects to;
 * and a live run of the same harness, small, from the button (its figures in place of the
 * committed run's, each labelled, the learner switching between them).
 */
export function LoadLesson() {
  const offline = useOffline();
  const [state, setState] = useState<LoadState>({ status: 'loading' });
  const [live, setLive] = useState<LoadResults | null>(null);
  const [shown, setShown] = useState<Shown>('committed');
  const box = useRef<HTMLElement>(null);
  const width = Math.min(760, useWidth(box, 640, 320));
  useEffect(() => {
    if (offline) return;
    const abort = new AbortController();
    void fetchResults(abort.signal).then((next) => {
      if (!abort.signal.aborted) setState(next);
    });
    return () => abort.abort();
  }, [offline]);
  const onLive = useCallback((results: LoadResults) => {
    setLive(results);
    setShown('live');
  }, []);
  return (
    <section className="load-lesson" aria-labelledby="load-lesson-title" ref={box}>
      <h2 id="load-lesson-title">What a connection costs</h2>
      <p>
        How much memory an idle connection holds on the server, how long one message takes to reach
        every receiver, and how many empty polls a server answers a second — measured by
        <code> npm run bench:load</code> against the lab server and, in the same run, bare
        implementations of each technique, so that the lab’s own cost shows beside what the
        technique costs anyway.
      </p>
      {offline ? (
        <>
          <NeedsServer id="load-needs-server" why={NEEDS_SERVER_WHY.load} />
          <LiveRun clients={LIVE_CLIENTS} onResults={onLive} needsServer="load-needs-server" />
        </>
      ) : (
        <>
          <LiveRun clients={LIVE_CLIENTS} onResults={onLive} />
          {live && <RunChoice shown={shown} choose={setShown} />}
          {live && shown === 'live' ? (
            <LoadFigures
              results={live}
              width={width}
              testId="load-live-results"
              title={liveRunTitle(live)}
            />
          ) : (
            <Committed state={state} width={width} />
          )}
        </>
      )}
    </section>
  );
}

function memoryHeading(results: LoadResults): string {
  return memoryBasis(results) === 'rss'
    ? 'Memory per idle connection'
    : `Memory per idle connection: the V8 heap after GC (under ${RSS_RELIABLE_FROM.toLocaleString('en')} connections an RSS difference is mostly the allocator’s)`;
}

function LoadFigures({
  results,
  width,
  testId,
  title,
}: {
  results: LoadResults;
  width: number;
  testId: string;
  title: string;
}) {
  return (
    <div data-testid={testId} className={results.live ? 'load-lesson__run--live' : undefined}>
      <p className="load-lesson__run-title" data-testid="load-run-title">
        {title}
      </p>
      <Machine results={results} />
      <ul className="load-lesson__verdicts" data-testid="load-verdicts">
        {verdicts(results).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <h3>{memoryHeading(results)}</h3>
      <MemoryChart results={results} width={width} />
      <h3>One publish to many receivers</h3>
      <FanOutChart results={results} width={width} />
      <h3>Empty short polls a second</h3>
      <RequestRateChart results={results} width={width} />
      <Projection results={results} />
      {results.notes.length > 0 && (
        <ul className="load-lesson__notes" data-testid="load-notes">
          {results.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
