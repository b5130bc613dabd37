import { describe, expect, it } from 'vitest';
import { buildTrace } from '../core/trace-builder';
import { LayoutCache, layoutSequence } from './layout';
import { ALL_STEPS, stepOf } from './steps';
import { SERVER_ACTOR, TraceIndex } from './trace-index';

const alice = { actor: 'alice', technique: 'short-poll' as const, conn: 'alice-publish-1' };
const publishing = buildTrace(
  {},
  { ...alice, kind: 'request', t: 0, dir: 'up', details: { method: 'POST' } },
  {
    ...alice,
    kind: 'publish',
    t: 2,
    observer: 'server',
    actor: SERVER_ACTOR,
    peer: 'alice',
    messageIds: [7],
  },
  { ...alice, kind: 'response', t: 4, dir: 'down', messageIds: [7], details: { status: 201 } },
  { ...alice, kind: 'publish', t: 4, messageIds: [7] },
  {
    kind: 'response',
    t: 9,
    dir: 'down',
    conn: 'bob-short-poll-1',
    technique: 'short-poll',
    empty: false,
    messageIds: [7],
    details: { status: 200 },
  },
);

describe('the per-kind table', () => {
  it('draws a publish as its POST, the server publishing and the 201, by default', () => {
    const kinds = publishing
      .filter((e) => stepOf(e, ALL_STEPS) !== null)
      .map((e) => `${e.observer}:${e.kind}`);
    expect(kinds).toEqual([
      'client:request',
      'server:publish',
      'client:response',
      'client:response',
    ]);
  });

  it('receivers only: the sender’s uploads fold into one line per message, receivers keep theirs', () => {
    const filter = { receiversOnly: true, sender: 'alice' };
    const drawn = publishing.map((e) => stepOf(e, filter)).filter((s) => s !== null);
    expect(drawn).toMatchObject([
      { shape: 'arrow', from: 'client', label: 'published #7', variant: 'request' },
      expect.objectContaining({ shape: 'arrow', label: '200 · 1 msg (#7)' }),
    ]);
    const layout = layoutSequence(
      new TraceIndex(publishing),
      { mode: 'rows', t0: 0, t1: 0, width: 600, height: 400, actors: ['alice', 'bob'], filter },
      new LayoutCache(),
    );
    expect(layout.rows?.total).toBe(2);
    expect(layout.bars.filter((b) => b.actor === 'alice')).toEqual([]);
  });

  it('draws heartbeats as heartbeats, not as messages', () => {
    const [frame, ping] = buildTrace(
      { technique: 'websocket', conn: 'bob-websocket-1' },
      {
        kind: 'ws-frame',
        t: 0,
        dir: 'down',
        bytes: { header: 2, payload: 40 },
        details: { opcode: 1, note: 'heartbeat: the server is still there' },
      },
      { kind: 'ping', t: 1, dir: 'down', observer: 'server', actor: SERVER_ACTOR, peer: 'bob' },
    );
    expect(stepOf(frame!, ALL_STEPS)).toMatchObject({
      shape: 'arrow',
      from: 'server',
      label: 'heartbeat frame 42 B',
      variant: 'control',
    });
    expect(stepOf(ping!, ALL_STEPS)).toMatchObject({
      label: 'ping (heartbeat)',
      variant: 'control',
    });
  });
});

describe('runs', () => {
  it('draws where a run begins as a line that names its technique', () => {
    const [start, switched] = buildTrace(
      { actor: 'alice', conn: 'segment-1', technique: 'short-poll' },
      { kind: 'segment', t: 0, details: {} },
      {
        kind: 'segment',
        t: 5,
        technique: 'long-poll',
        details: {
          setup: {
            technique: 'long-poll',
            sender: 'alice',
            receivers: ['bob'],
            knobs: {},
            preset: null,
            serverSource: null,
            reason: 'switch',
          },
        },
      },
    );
    expect(stepOf(start!, ALL_STEPS)).toMatchObject({
      shape: 'mark',
      mark: 'segment',
      label: 'Short polling: the run begins',
    });
    expect(stepOf(switched!, ALL_STEPS)).toMatchObject({ label: 'switched to Long polling' });
  });
});

describe('bars', () => {
  it('draws a publish under SSE as a request in flight, not as a stream', () => {
    const index = new TraceIndex(
      buildTrace(
        { actor: 'alice', technique: 'sse', conn: 'alice-publish-1' },
        { kind: 'request', t: 0, dir: 'up', details: { method: 'POST' } },
        { kind: 'response', t: 5, dir: 'down', details: { status: 201 } },
      ),
    );
    const layout = layoutSequence(index, { t0: 0, t1: 100, width: 600, height: 400 });
    expect(layout.bars.map((b) => b.kind)).toEqual(['request']);
  });
});
