/**
 * The connection-budget lesson's logic, without React: it opens real
 * EventSources to the server's "lesson" lane one at a time, records what the
 * browser does with each (waiting, open, closed) and tells subscribers.
 *
 * Why a lane of its own: a browser opens at most six HTTP/1.1 connections per
 * host and port, so the lesson's streams must not share a port with the
 * playground's polls and streams, or each would stall the other.
 */

/** Chromium's per-host-and-port limit of HTTP/1.1 connections (its socket pool's per-group limit). */
export const CONNECTION_BUDGET = 6;

/**
 * A lesson stream's life:
 * - `waiting`: the EventSource exists but has not fired `open` — either the
 *   request is queued in the browser or the browser is retrying it;
 * - `open`: the server answered (it sends `retry:` first, so `open` fires as
 *   soon as the server has the request);
 * - `closed`: the lesson closed it, or the browser gave up on it.
 */
export type LessonStreamState = 'waiting' | 'open' | 'closed';

/** Who ended a closed stream: the lesson (a button, or unmounting), or the browser after a failure. */
export type ClosedBy = 'lesson' | 'error';

export interface LessonStream {
  /** 1, 2, 3, … in the order the lesson opened them; never reused. */
  readonly n: number;
  /** The `rid=` label the server's trace shows for it. */
  readonly rid: string;
  readonly url: string;
  readonly state: LessonStreamState;
  /** ms from creation (or from the failure the browser is retrying after) to `open`; null until it opens. */
  readonly openAfterMs: number | null;
  /** How many times the browser reconnected it after a failure. */
  readonly reconnects: number;
  /** Whether it was ever open. */
  readonly everOpen: boolean;
  readonly closedBy: ClosedBy | null;
}

export interface LessonSnapshot {
  /** Every stream the lesson opened, oldest first, closed ones included. */
  readonly streams: readonly LessonStream[];
  /** Streams open now: the connections they hold. */
  readonly open: number;
  /** Streams created but not open. */
  readonly waiting: number;
  /** The lane's `host:port`, the group the browser counts connections in. */
  readonly target: string;
}

/** What the lesson uses of an EventSource; tests inject a fake. */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  close(): void;
}

export type EventSourceConstructor = new (url: string) => EventSourceLike;

/** EventSource.readyState values (HTML, "Server-sent events"). */
const CONNECTING = 0;
const CLOSED = 2;

export interface BudgetLessonOptions {
  /** The lesson lane's origin, e.g. `http://127.0.0.1:40123`. */
  origin: string;
  /** The channel the streams listen on; one per page (see lessonChannel). */
  channel: string;
  /** Defaults to the global EventSource. */
  EventSource?: EventSourceConstructor;
  /** A monotonic clock in ms; defaults to performance.now. */
  now?: () => number;
}

interface Entry {
  stream: LessonStream;
  source: EventSourceLike;
  /** When the current wait began: creation, or the failure being retried. */
  since: number;
}

/** A fresh channel name for one page, `lesson-<12 hex digits>`, so that pages never share one. */
export function lessonChannel(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `lesson-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function lessonStreamUrl(origin: string, channel: string, n: number): string {
  return `${origin.replace(/\/+$/, '')}/api/channels/${channel}/events?client=lesson&rid=lesson-stream-${n}`;
}

/** The port of the `lesson` lane in a `GET /api/lanes` answer; throws a sentence when it is missing. */
export function lessonPort(body: unknown): number {
  const lanes = (body as { lanes?: unknown } | null)?.lanes;
  if (Array.isArray(lanes)) {
    for (const lane of lanes as Array<{ name?: unknown; port?: unknown }>) {
      if (
        lane?.name === 'lesson' &&
        typeof lane.port === 'number' &&
        Number.isInteger(lane.port) &&
        lane.port > 0 &&
        lane.port < 65536
      ) {
        return lane.port;
      }
    }
  }
  throw new Error('the server lists no "lesson" lane in GET /api/lanes');
}

/**
 * Asks the page's server for its lanes and returns the lesson lane's origin on
 * the page's own host name. Throws a sentence saying what failed.
 */
export async function loadLessonOrigin(
  hostname: string,
  fetchImpl: typeof fetch = fetch,
  signal?: AbortSignal,
): Promise<string> {
  let response: Response;
  try {
    response = await fetchImpl('/api/lanes', signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new Error('GET /api/lanes could not reach the server', { cause: error });
  }
  if (!response.ok) throw new Error(`GET /api/lanes answered ${response.status}`);
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new Error('GET /api/lanes did not answer JSON', { cause: error });
  }
  return `http://${hostname}:${lessonPort(body)}`;
}

/** One line of the lesson's list, e.g. "Stream 3 — open after 4 ms". */
export function describeStream(stream: LessonStream, snapshot: LessonSnapshot): string {
  const name = `Stream ${stream.n}`;
  switch (stream.state) {
    case 'open':
      return `${name} — open after ${Math.round(stream.openAfterMs ?? 0)} ms${stream.reconnects > 0 ? ' (the browser reconnected it)' : ''}`;
    case 'waiting':
      if (stream.reconnects > 0)
        return `${name} — waiting: its connection failed and the browser is retrying it`;
      if (snapshot.open >= CONNECTION_BUDGET)
        return `${name} — waiting: the browser has not sent it (${snapshot.open} of ${CONNECTION_BUDGET} connections to ${snapshot.target} are busy)`;
      return `${name} — waiting: connecting (${snapshot.open} of ${CONNECTION_BUDGET} connections to ${snapshot.target} are busy)`;
    case 'closed':
      if (stream.closedBy === 'error')
        return `${name} — closed: the request failed and the browser will not retry it`;
      return stream.everOpen
        ? `${name} — closed; its connection is free again`
        : `${name} — closed before it opened`;
  }
}

/**
 * Opens and closes the lesson's streams and keeps their states. `subscribe`
 * and `getSnapshot` fit React's useSyncExternalStore: the snapshot is a new
 * object after each change and the same object otherwise.
 */
export class BudgetLesson {
  readonly target: string;
  private readonly entries: Entry[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly EventSourceImpl: EventSourceConstructor;
  private readonly now: () => number;
  private nextN = 1;
  private snapshot: LessonSnapshot | null = null;
  private disposed = false;

  constructor(private readonly options: BudgetLessonOptions) {
    const Impl = options.EventSource ?? globalThis.EventSource;
    if (!Impl) throw new Error('this browser has no EventSource');
    this.EventSourceImpl = Impl;
    this.now = options.now ?? (() => performance.now());
    this.target = new URL(options.origin).host;
  }

  /** Opens one more stream; returns its number. */
  open(): number {
    if (this.disposed) throw new Error('this lesson was disposed');
    const n = this.nextN++;
    const rid = `lesson-stream-${n}`;
    const url = lessonStreamUrl(this.options.origin, this.options.channel, n);
    const source = new this.EventSourceImpl(url);
    const entry: Entry = {
      stream: {
        n,
        rid,
        url,
        state: 'waiting',
        openAfterMs: null,
        reconnects: 0,
        everOpen: false,
        closedBy: null,
      },
      source,
      since: this.now(),
    };
    this.entries.push(entry);
    source.addEventListener('open', () => this.opened(entry));
    source.addEventListener('error', () => this.failed(entry));
    this.changed();
    return n;
  }

  /** Closes the oldest open stream, freeing its connection for a waiting one; returns its number. */
  closeOldestOpen(): number | null {
    const entry = this.entries.find((e) => e.stream.state === 'open');
    if (!entry) return null;
    this.close(entry, 'lesson');
    this.changed();
    return entry.stream.n;
  }

  /** Closes every stream that is not closed yet. */
  closeAll(): void {
    let any = false;
    for (const entry of this.entries) {
      if (entry.stream.state === 'closed') continue;
      this.close(entry, 'lesson');
      any = true;
    }
    if (any) this.changed();
  }

  /** Closes everything and forgets the subscribers (on unmount). */
  dispose(): void {
    this.closeAll();
    this.disposed = true;
    this.listeners.clear();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): LessonSnapshot => {
    if (!this.snapshot) {
      const streams = this.entries.map((e) => e.stream);
      this.snapshot = {
        streams,
        open: streams.filter((s) => s.state === 'open').length,
        waiting: streams.filter((s) => s.state === 'waiting').length,
        target: this.target,
      };
    }
    return this.snapshot;
  };

  private opened(entry: Entry): void {
    if (entry.stream.state !== 'waiting') return;
    this.update(entry, {
      state: 'open',
      openAfterMs: this.now() - entry.since,
      everOpen: true,
    });
  }

  private failed(entry: Entry): void {
    if (entry.stream.state === 'closed') return;
    if (entry.source.readyState === CLOSED) {
      // The browser gave up (an HTTP error status, or not text/event-stream): it will not retry.
      this.close(entry, 'error');
      this.changed();
      return;
    }
    if (entry.source.readyState !== CONNECTING) return;
    // The browser retries by itself; each failed attempt fires another error.
    if (entry.stream.state === 'open' || entry.stream.reconnects === 0) {
      entry.since = this.now();
      this.update(entry, {
        state: 'waiting',
        openAfterMs: null,
        reconnects: entry.stream.reconnects + 1,
      });
    }
  }

  private close(entry: Entry, by: ClosedBy): void {
    entry.source.close();
    entry.stream = { ...entry.stream, state: 'closed', closedBy: by };
  }

  private update(entry: Entry, change: Partial<LessonStream>): void {
    entry.stream = { ...entry.stream, ...change };
    this.changed();
  }

  private changed(): void {
    this.snapshot = null;
    for (const listener of [...this.listeners]) listener();
  }
}
