import { describe, expect, it } from 'vitest';
import {
  BudgetLesson,
  CONNECTION_BUDGET,
  describeStream,
  lessonChannel,
  lessonPort,
  loadLessonOrigin,
  type EventSourceLike,
  type LessonStream,
} from './lesson';

const ORIGIN = 'http://127.0.0.1:40123';

type Listener = () => void;

/** A fake EventSource: records its URL, fires `open` and `error` when told. */
class FakeSource implements EventSourceLike {
  readyState = 0;
  closeCalls = 0;
  private readonly listeners = new Map<string, Listener[]>();

  constructor(
    readonly url: string,
    private readonly browser: FakeBrowser,
  ) {
    browser.request(this);
  }

  addEventListener(type: 'open' | 'error', listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closeCalls++;
    this.readyState = 2;
    this.browser.release(this);
  }

  fire(type: 'open' | 'error', readyState: number): void {
    this.readyState = readyState;
    for (const listener of this.listeners.get(type) ?? []) listener();
  }
}

/**
 * A model of the browser's socket pool for one host and port: at most six
 * requests hold a connection; the rest wait in a queue, in order, until one
 * closes. The server answers a request with a connection on `answer()`.
 */
class FakeBrowser {
  readonly sources: FakeSource[] = [];
  readonly connected: FakeSource[] = [];
  readonly queue: FakeSource[] = [];
  time = 1000;
  readonly now = () => this.time;
  /** The constructor the lesson is given: each source joins this browser's pool. */
  readonly EventSource = sourceClass(this);

  request(source: FakeSource): void {
    this.sources.push(source);
    if (this.connected.length < CONNECTION_BUDGET) this.connected.push(source);
    else this.queue.push(source);
  }

  release(source: FakeSource): void {
    const queued = this.queue.indexOf(source);
    if (queued >= 0) this.queue.splice(queued, 1);
    const held = this.connected.indexOf(source);
    if (held < 0) return;
    this.connected.splice(held, 1);
    const next = this.queue.shift();
    if (next) this.connected.push(next);
  }

  /** The server answers every request that has a connection and no answer yet. */
  answer(): void {
    for (const source of [...this.connected]) if (source.readyState === 0) source.fire('open', 1);
  }
}

function sourceClass(browser: FakeBrowser) {
  return class extends FakeSource {
    constructor(url: string) {
      super(url, browser);
    }
  };
}

function setup() {
  const browser = new FakeBrowser();
  const lesson = new BudgetLesson({
    origin: ORIGIN,
    channel: 'lesson-test',
    EventSource: browser.EventSource,
    now: browser.now,
  });
  return { browser, lesson };
}

const states = (lesson: BudgetLesson) => lesson.getSnapshot().streams.map((s) => s.state);
const line = (lesson: BudgetLesson, n: number) => {
  const snapshot = lesson.getSnapshot();
  return describeStream(
    snapshot.streams.find((s) => s.n === n)!,
    snapshot,
  );
};

describe('BudgetLesson', () => {
  it('opens a labelled stream on the lesson lane and records when it opens', () => {
    const { browser, lesson } = setup();
    expect(lesson.open()).toBe(1);
    const url = new URL(browser.sources[0]!.url);
    expect(url.origin).toBe(ORIGIN);
    expect(url.pathname).toBe('/api/channels/lesson-test/events');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client: 'lesson',
      rid: 'lesson-stream-1',
    });
    expect(states(lesson)).toEqual(['waiting']);
    expect(lesson.getSnapshot().target).toBe('127.0.0.1:40123');

    browser.time += 4;
    browser.answer();
    const [stream] = lesson.getSnapshot().streams;
    expect(stream).toMatchObject({ state: 'open', openAfterMs: 4, rid: 'lesson-stream-1' });
    expect(line(lesson, 1)).toBe('Stream 1 — open after 4 ms');
  });

  it('shows the seventh stream stalled while six hold the budget, and opens it when one closes', () => {
    const { browser, lesson } = setup();
    for (let i = 0; i < 7; i++) lesson.open();
    browser.time += 3;
    browser.answer();
    expect(states(lesson)).toEqual([...Array(6).fill('open'), 'waiting']);
    expect(lesson.getSnapshot()).toMatchObject({ open: 6, waiting: 1 });
    expect(line(lesson, 7)).toBe(
      'Stream 7 — waiting: the browser has not sent it (6 of 6 connections to 127.0.0.1:40123 are busy)',
    );

    browser.time += 1500;
    expect(lesson.closeOldestOpen()).toBe(1);
    expect(browser.sources[0]!.closeCalls).toBe(1);
    expect(line(lesson, 1)).toBe('Stream 1 — closed; its connection is free again');
    browser.time += 2;
    browser.answer();
    expect(states(lesson)).toEqual(['closed', ...Array(6).fill('open')]);
    // Measured from its creation: the whole stall shows in the number.
    expect(lesson.getSnapshot().streams[6]!.openAfterMs).toBe(3 + 1500 + 2);
    expect(lesson.getSnapshot()).toMatchObject({ open: 6, waiting: 0 });
  });

  it('closes the oldest open stream, never a waiting one', () => {
    const { browser, lesson } = setup();
    expect(lesson.closeOldestOpen()).toBeNull();
    lesson.open();
    lesson.open();
    browser.sources[1]!.fire('open', 1);
    expect(lesson.closeOldestOpen()).toBe(2);
    expect(states(lesson)).toEqual(['waiting', 'closed']);
    expect(lesson.closeOldestOpen()).toBeNull();
    expect(browser.sources[0]!.closeCalls).toBe(0);
  });

  it('says a stream is connecting, not stalled, while the budget has room', () => {
    const { lesson } = setup();
    lesson.open();
    expect(line(lesson, 1)).toBe(
      'Stream 1 — waiting: connecting (0 of 6 connections to 127.0.0.1:40123 are busy)',
    );
  });

  it('follows the browser when it retries a failed stream and when it gives up', () => {
    const { browser, lesson } = setup();
    lesson.open();
    lesson.open();
    browser.answer();
    const [first, second] = browser.sources;

    browser.time += 10;
    first!.fire('error', 0); // dropped: the browser retries by itself
    first!.fire('error', 0); // another failed attempt changes nothing
    expect(lesson.getSnapshot().streams[0]).toMatchObject({ state: 'waiting', reconnects: 1 });
    expect(line(lesson, 1)).toBe(
      'Stream 1 — waiting: its connection failed and the browser is retrying it',
    );
    browser.time += 3000;
    first!.fire('open', 1);
    expect(lesson.getSnapshot().streams[0]).toMatchObject({ state: 'open', openAfterMs: 3000 });
    expect(line(lesson, 1)).toBe('Stream 1 — open after 3000 ms (the browser reconnected it)');

    second!.fire('error', 2); // an HTTP error status: the browser gives up
    expect(lesson.getSnapshot().streams[1]).toMatchObject({ state: 'closed', closedBy: 'error' });
    expect(line(lesson, 2)).toBe(
      'Stream 2 — closed: the request failed and the browser will not retry it',
    );
    expect(lesson.getSnapshot().open).toBe(1);
  });

  it('ignores events that arrive after a stream was closed', () => {
    const { browser, lesson } = setup();
    lesson.open();
    lesson.closeAll();
    browser.sources[0]!.fire('open', 1);
    browser.sources[0]!.fire('error', 0);
    expect(lesson.getSnapshot().streams[0]).toMatchObject({ state: 'closed', closedBy: 'lesson' });
    expect(line(lesson, 1)).toBe('Stream 1 — closed before it opened');
  });

  it('closes every stream on closeAll and on dispose, and numbers are never reused', () => {
    const { browser, lesson } = setup();
    for (let i = 0; i < 8; i++) lesson.open();
    browser.answer();
    lesson.closeAll();
    expect(states(lesson)).toEqual(Array(8).fill('closed'));
    expect(browser.sources.every((s) => s.closeCalls === 1)).toBe(true);
    expect(browser.connected).toHaveLength(0);
    expect(browser.queue).toHaveLength(0);
    expect(lesson.open()).toBe(9);

    let calls = 0;
    lesson.subscribe(() => calls++);
    lesson.dispose();
    expect(calls).toBe(1);
    expect(browser.sources[8]!.closeCalls).toBe(1);
    expect(() => lesson.open()).toThrow(/disposed/);
  });

  it('notifies subscribers on each change and keeps one snapshot between changes', () => {
    const { browser, lesson } = setup();
    const seen: LessonStream['state'][][] = [];
    const unsubscribe = lesson.subscribe(() => seen.push(states(lesson)));
    const empty = lesson.getSnapshot();
    expect(lesson.getSnapshot()).toBe(empty);
    lesson.open();
    const one = lesson.getSnapshot();
    expect(one).not.toBe(empty);
    expect(lesson.getSnapshot()).toBe(one);
    browser.answer();
    lesson.closeAll();
    lesson.closeAll(); // nothing left to close: no notification
    unsubscribe();
    lesson.open();
    expect(seen).toEqual([['waiting'], ['open'], ['closed']]);
  });
});

describe('finding the lesson lane', () => {
  it('reads the lesson port from GET /api/lanes', () => {
    expect(
      lessonPort({
        lanes: [
          { name: 'sse', port: 40001 },
          { name: 'lesson', port: 40002 },
        ],
      }),
    ).toBe(40002);
    for (const body of [
      null,
      {},
      { lanes: [{ name: 'sse', port: 1 }] },
      { lanes: [{ name: 'lesson', port: '2' }] },
    ])
      expect(() => lessonPort(body)).toThrow('the server lists no "lesson" lane in GET /api/lanes');
  });

  it('builds the lane origin on the page host, and says what failed otherwise', async () => {
    const answer = (response: Response | Error) =>
      (async () => {
        if (response instanceof Error) throw response;
        return response;
      }) as unknown as typeof fetch;
    const lanes = Response.json({ lanes: [{ name: 'lesson', port: 40002 }] });
    await expect(loadLessonOrigin('localhost', answer(lanes))).resolves.toBe(
      'http://localhost:40002',
    );
    await expect(
      loadLessonOrigin('localhost', answer(new Response('nope', { status: 404 }))),
    ).rejects.toThrow('GET /api/lanes answered 404');
    await expect(
      loadLessonOrigin('localhost', answer(new TypeError('fetch failed'))),
    ).rejects.toThrow('GET /api/lanes could not reach the server');
    await expect(
      loadLessonOrigin('localhost', answer(new Response('<html>', { status: 200 }))),
    ).rejects.toThrow('GET /api/lanes did not answer JSON');
  });

  it('gives each page a channel of its own that the server accepts', () => {
    const a = lessonChannel();
    expect(a).toMatch(/^lesson-[0-9a-f]{12}$/);
    expect(a).toMatch(/^[a-z0-9-]{1,64}$/);
    expect(lessonChannel()).not.toBe(a);
  });
});
