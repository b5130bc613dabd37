import { describe, expect, it } from 'vitest';
import compare from '../../e2e/fixtures/compare.json';
import longPoll from '../../e2e/fixtures/long-poll.json';
import shortPoll from '../../e2e/fixtures/short-poll.json';
import sse from '../../e2e/fixtures/sse.json';
import websocket from '../../e2e/fixtures/websocket.json';
import {
  inferSetup,
  mergeRecordedKnobs,
  readRunSetup,
  recordingSegments,
  segmentAt,
  segmentEvent,
  SegmentedStats,
  setupOf,
  type RunSetup,
} from './segments';
import { parseTraceFile, type TraceEvent, type TraceEventInput } from './trace';

/** The recorded fixtures the visual tests replay: none has a segment step. */
const FIXTURES: Record<string, unknown> = {
  compare,
  'long-poll': longPoll,
  'short-poll': shortPoll,
  sse,
  websocket,
};
const fixture = (name: string): TraceEvent[] => parseTraceFile(FIXTURES[name]).events;

const setup = (overrides: Partial<RunSetup> = {}): RunSetup => ({
  technique: 'long-poll',
  sender: 'alice',
  receivers: ['bob'],
  knobs: { longPollTimeoutMs: 30000, backoffJitter: true },
  preset: null,
  serverSource: null,
  reason: 'start',
  ...overrides,
});

/** Numbers steps the way the trace store does. */
function numbered(steps: TraceEventInput[]): TraceEvent[] {
  return steps.map((step, seq) => ({ ...step, seq }));
}

const step = (
  partial: Partial<TraceEventInput> & Pick<TraceEventInput, 'kind'>,
): TraceEventInput => ({
  t: 0,
  observer: 'client',
  actor: 'bob',
  technique: 'short-poll',
  conn: 'bob-short-poll-1',
  dir: 'none',
  ...partial,
});

/** A short poll of Bob's that came back empty: a request and its wasted answer. */
const emptyPoll = (n: number, technique: TraceEventInput['technique'] = 'short-poll') => [
  step({ kind: 'request', t: n * 10, conn: `bob-${technique}-${n}`, technique, dir: 'up' }),
  step({
    kind: 'response',
    t: n * 10 + 5,
    conn: `bob-${technique}-${n}`,
    technique,
    dir: 'down',
    empty: true,
  }),
];

describe('the segment step', () => {
  it('records the set-up, seen by the page, on the sender’s lane (the server’s in compare mode)', () => {
    const event = segmentEvent(setup(), 100, 'segment-1');
    expect(event).toEqual({
      t: 100,
      observer: 'client',
      actor: 'alice',
      technique: 'long-poll',
      conn: 'segment-1',
      kind: 'segment',
      dir: 'none',
      details: { setup: setup() },
    });
    expect(segmentEvent(setup({ sender: null, reason: 'compare' }), 0, 's').actor).toBe('server-1');
    expect(setupOf({ ...event, seq: 0 })).toEqual(setup());
    expect(setupOf({ ...event, seq: 0, kind: 'request' })).toBeNull();
  });

  it('survives a trace file and is checked when read back', () => {
    const [event] = numbered([segmentEvent(setup(), 100, 'segment-1')]);
    const file = parseTraceFile(
      JSON.parse(JSON.stringify({ format: 'realtime-lab-trace', version: 1, events: [event] })),
    );
    expect(setupOf(file.events[0]!)).toEqual(setup());
    expect(readRunSetup({ ...setup(), technique: 'carrier-pigeon' })).toBeNull();
    expect(readRunSetup({ ...setup(), reason: 'whim' })).toBeNull();
    expect(readRunSetup({ ...setup(), receivers: [1] })).toBeNull();
    expect(readRunSetup({ ...setup(), serverSource: { ratePerSecond: 'fast' } })).toBeNull();
    // Knobs that are not numbers or switches are dropped, the rest kept.
    expect(
      readRunSetup({ ...setup(), knobs: { pollIntervalMs: 700, evil: '<b>' } })?.knobs,
    ).toEqual({ pollIntervalMs: 700 });
  });

  it('merges recorded knobs into defaults by name and type only', () => {
    const defaults = { pollIntervalMs: 2000, backoffJitter: true };
    expect(
      mergeRecordedKnobs(defaults, { pollIntervalMs: 700, backoffJitter: 3, unknown: 1 }),
    ).toEqual({ pollIntervalMs: 700, backoffJitter: true });
  });
});

describe('counters per run', () => {
  it('starts afresh at each segment, keeping every step in the log', () => {
    const events = numbered([
      segmentEvent(setup({ technique: 'short-poll' }), 0, 'segment-1'),
      ...[1, 2, 3, 4, 5].flatMap((n) => emptyPoll(n)),
      segmentEvent(setup({ reason: 'switch' }), 60, 'segment-2'),
      step({ kind: 'request', t: 70, conn: 'bob-long-poll-1', technique: 'long-poll', dir: 'up' }),
    ]);
    const stats = new SegmentedStats();
    for (const event of events) stats.add(event);
    expect(stats.segmentStarts).toEqual([0, 11]);
    expect(stats.segmentStart).toBe(11);
    expect(stats.setup?.technique).toBe('long-poll');
    expect(stats.setup?.reason).toBe('switch');
    // Long polling's own figures: one held request, none of short polling's wasted answers.
    expect(stats.snapshot()).toMatchObject({
      requests: 1,
      empty: 0,
      wastedShare: 0,
      openConnections: 1,
    });
  });

  it('leaves out a late step of a connection an earlier run opened', () => {
    const events = numbered([
      step({ kind: 'request', t: 0, conn: 'bob-short-poll-1', dir: 'up' }),
      segmentEvent(setup({ reason: 'switch' }), 5, 'segment-1'),
      // The aborted poll's answer lands after the switch: short polling's, not long polling's.
      step({ kind: 'response', t: 6, conn: 'bob-short-poll-1', dir: 'down', empty: true }),
      step({ kind: 'request', t: 7, conn: 'bob-long-poll-1', technique: 'long-poll', dir: 'up' }),
      step({ kind: 'fault', t: 8, conn: 'faults', observer: 'server', actor: 'server-1' }),
    ]);
    const stats = new SegmentedStats();
    for (const event of events) stats.add(event);
    expect(stats.snapshot()).toMatchObject({ requests: 1, responses: 0, empty: 0 });
  });

  it('treats a trace without segments (an older recording) as one run', () => {
    const events = fixture('long-poll');
    const stats = new SegmentedStats();
    for (const event of events) stats.add(event);
    expect(stats.segmentStart).toBe(0);
    expect(stats.segmentStarts).toEqual([]);
    expect(stats.setup).toBeNull();
    expect(stats.snapshot().delivered).toBe(2);
    // Alice published, so she is the sender; Bob's long polls are the receiving side.
    expect(stats.snapshot().published).toBe(2);
    expect(stats.snapshot().receiveBytes.down.payload).toBeGreaterThan(0);
  });

  it('takes the sender from the set-up', () => {
    const events = numbered([
      segmentEvent(setup({ sender: null, reason: 'compare' }), 0, 'segment-1'),
      step({
        kind: 'request',
        t: 1,
        actor: 'alice',
        conn: 'a1',
        dir: 'up',
        bytes: { header: 0, payload: 9 },
      }),
      step({ kind: 'publish', t: 2, actor: 'alice', conn: 'a1', messageIds: [1] }),
    ]);
    const stats = new SegmentedStats();
    for (const event of events) stats.add(event);
    // The set-up says nobody sends from the page: Alice's bytes are not a sender's.
    expect(stats.snapshot().sendBytes.up.payload).toBe(0);
    expect(stats.snapshot().receiveBytes.up.payload).toBe(9);
  });
});

describe('a recording’s set-up', () => {
  it('is inferred from the steps of one that has no segment: long polling, Alice sends, Bob receives', () => {
    expect(inferSetup(fixture('long-poll'))).toEqual({
      technique: 'long-poll',
      sender: 'alice',
      receivers: ['bob'],
      knobs: { longPollTimeoutMs: 30000 },
      preset: null,
      serverSource: null,
      reason: 'start',
    });
    // The knobs its requests show: SSE's retry and heartbeat, short polling's interval (700 ms).
    expect(inferSetup(fixture('sse'))?.knobs).toEqual({ sseRetryMs: 3000, sseHeartbeatMs: 15000 });
    expect(inferSetup(fixture('short-poll'))).toMatchObject({
      technique: 'short-poll',
      knobs: { pollIntervalMs: 700 },
    });
    expect(inferSetup(fixture('websocket'))).toMatchObject({
      technique: 'websocket',
      sender: 'alice',
      receivers: ['bob'],
      knobs: { wsHeartbeatMs: 30000 },
    });
    // Compare mode: nobody on the page published.
    expect(inferSetup(fixture('compare'))).toMatchObject({ sender: null, receivers: ['bob'] });
    expect(inferSetup([])).toBeNull();
  });

  it('follows the recorded runs, adding receivers who joined during one', () => {
    const events = numbered([
      segmentEvent(setup({ technique: 'short-poll', preset: 'chat' }), 0, 'segment-1'),
      ...emptyPoll(1),
      step({ kind: 'request', t: 30, actor: 'carol', conn: 'carol-short-poll-1', dir: 'up' }),
      segmentEvent(setup({ reason: 'switch' }), 40, 'segment-2'),
      step({ kind: 'request', t: 50, conn: 'bob-long-poll-1', technique: 'long-poll', dir: 'up' }),
    ]);
    const segments = recordingSegments(events);
    expect(segments.map((s) => [s.start, s.setup.technique, s.recorded])).toEqual([
      [0, 'short-poll', true],
      [4, 'long-poll', true],
    ]);
    expect(segments[0]!.setup.receivers).toEqual(['bob', 'carol']);
    expect(segments[0]!.setup.preset).toBe('chat');
    // Before any step is shown, the first run; once the switch is shown, the second.
    expect(segmentAt(segments, 0)).toBe(segments[0]);
    expect(segmentAt(segments, 4)).toBe(segments[0]);
    expect(segmentAt(segments, 5)).toBe(segments[1]);
    expect(segmentAt([], 3)).toBeNull();
  });

  it('is one inferred run for a recording without segments', () => {
    const segments = recordingSegments(fixture('websocket'));
    expect(segments).toHaveLength(1);
    expect(segments[0]).toMatchObject({ start: 0, recorded: false });
    expect(segments[0]!.setup.technique).toBe('websocket');
  });
});
