import { useEffect, useState, useSyncExternalStore } from 'react';
import { NeedsServer } from '../offline/NeedsServer';
import { NEEDS_SERVER_WHY } from '../offline/needs-server';
import { useOffline } from '../offline/offline-mode';
import {
  BudgetLesson,
  CONNECTION_BUDGET,
  describeStream,
  lessonChannel,
  loadLessonOrigin,
  type LessonSnapshot,
} from './lesson';

type Setup =
  | { status: 'loading' }
  | { status: 'ready'; lesson: BudgetLesson }
  | { status: 'failed'; reason: string };

/** Why the seventh stream stalls, in four sentences (each checked; see the README's lesson section). */
const EXPLANATION = [
  "On HTTP/1.1 a connection delivers one response at a time, and an event stream's response never ends, so each open stream holds a whole connection.",
  "Chromium, like Firefox and Safari, opens at most 6 connections per host and port: the seventh request waits in the browser's own queue and never reaches the server.",
  'HTTP/2 multiplexes many streams over one connection, up to the SETTINGS_MAX_CONCURRENT_STREAMS the server advertises (RFC 9113 recommends no fewer than 100), so the limit stops mattering.',
  'WebSockets are not counted in this budget: Chromium keeps them in a pool of their own.',
];

const EMPTY: LessonSnapshot = { streams: [], open: 0, waiting: 0, target: '' };
const noSubscription = () => () => {};
const emptySnapshot = () => EMPTY;

/** The lesson once the server said which port it has: loading, ready, or why not; disposed when the panel goes. */
function useBudgetLesson(channel: string): Setup {
  const [setup, setSetup] = useState<Setup>({ status: 'loading' });

  useEffect(() => {
    const abort = new AbortController();
    let lesson: BudgetLesson | null = null;
    loadLessonOrigin(window.location.hostname, fetch, abort.signal)
      .then((origin) => {
        if (abort.signal.aborted) return;
        lesson = new BudgetLesson({ origin, channel });
        setSetup({ status: 'ready', lesson });
      })
      .catch((error: unknown) => {
        if (abort.signal.aborted) return;
        setSetup({
          status: 'failed',
          reason: error instanceof Error ? error.message : String(error),
        });
      });
    return () => {
      abort.abort();
      lesson?.dispose();
    };
  }, [channel]);

  return setup;
}

/** Open one more stream, close the oldest open one, or close them all. */
function StreamButtons({
  lesson,
  open,
  waiting,
}: {
  lesson: BudgetLesson | null;
  open: number;
  waiting: number;
}) {
  return (
    <div className="budget-lesson__buttons">
      <button type="button" disabled={!lesson} onClick={() => lesson?.open()}>
        Open a stream
      </button>
      <button
        type="button"
        disabled={!lesson || open === 0}
        onClick={() => lesson?.closeOldestOpen()}
      >
        Close a stream
      </button>
      <button
        type="button"
        disabled={!lesson || open + waiting === 0}
        onClick={() => lesson?.closeAll()}
      >
        Close all
      </button>
    </div>
  );
}

/** The six connections the browser allows this host, the busy ones filled. */
function ConnectionSlots({ open }: { open: number }) {
  return (
    <div
      className="budget-lesson__slots"
      role="meter"
      aria-label="Connections in use"
      aria-valuemin={0}
      aria-valuemax={CONNECTION_BUDGET}
      aria-valuenow={Math.min(open, CONNECTION_BUDGET)}
      aria-valuetext={`${open} of ${CONNECTION_BUDGET}`}
      data-testid="lesson-slots"
      data-value={open}
    >
      {Array.from({ length: CONNECTION_BUDGET }, (_, i) => (
        <span
          key={i}
          className={
            i < open ? 'budget-lesson__slot budget-lesson__slot--busy' : 'budget-lesson__slot'
          }
        />
      ))}
    </div>
  );
}

/**
 * The connection-budget lesson: opens Server-Sent Events streams one by one to
 * the server's lesson lane until the seventh stalls in the browser, then says
 * why. Self-contained: it finds its port, keeps its own channel, and closes
 * every stream when it unmounts. Offline, where no stream holds a real
 * connection, it says so and opens nothing.
 */
export function ConnectionLesson() {
  const offline = useOffline();
  return (
    <section className="budget-lesson" aria-label="Connection budget lesson">
      <h2>The six-connection budget</h2>
      {offline ? <NeedsServer why={NEEDS_SERVER_WHY.budget} /> : <BudgetRun />}
      <p className="budget-lesson__why">{EXPLANATION.join(' ')}</p>
    </section>
  );
}

/** The lesson's streams: its buttons, the six slots and each stream's state. */
function BudgetRun() {
  const [channel] = useState(lessonChannel);
  const setup = useBudgetLesson(channel);

  const lesson = setup.status === 'ready' ? setup.lesson : null;
  const snapshot = useSyncExternalStore(
    lesson ? lesson.subscribe : noSubscription,
    lesson ? lesson.getSnapshot : emptySnapshot,
  );
  const { streams, open, waiting, target } = snapshot;
  const queued = open >= CONNECTION_BUDGET ? waiting : 0;

  return (
    <>
      {setup.status === 'failed' ? (
        <p className="budget-lesson__unavailable" role="alert">
          This lesson needs the lab server, which gives it a port of its own — but {setup.reason}.
          Start the server with <code>npm start</code> and reload the page.
        </p>
      ) : (
        <p className="budget-lesson__intro">
          {setup.status === 'loading'
            ? 'Asking the lab server for the lesson’s port…'
            : `Each press opens one Server-Sent Events stream to ${target}, a port of the lab server kept for this lesson. Open seven.`}
        </p>
      )}
      <StreamButtons lesson={lesson} open={open} waiting={waiting} />
      <ConnectionSlots open={open} />
      <p className="budget-lesson__slots-label">
        {open} of {CONNECTION_BUDGET} connections{target ? ` to ${target}` : ''} in use
        {queued > 0 ? `; ${queued} waiting in the browser’s queue` : ''}
      </p>
      <ol className="budget-lesson__streams" role="list">
        {streams.map((stream) => (
          <li
            key={stream.n}
            className={`budget-lesson__stream budget-lesson__stream--${stream.state}`}
            data-testid="lesson-stream"
            data-state={stream.state}
          >
            {describeStream(stream, snapshot)}
          </li>
        ))}
      </ol>
    </>
  );
}
