import { describe, expect, it } from 'vitest';
import { mermaidText, toMermaid } from './mermaid';
import type { TraceEvent, TraceEventInput } from './trace';

function trace(...inputs: Partial<TraceEventInput>[]): TraceEvent[] {
  return inputs.map((input, seq) => ({
    t: seq * 10,
    observer: 'client',
    actor: 'bob',
    technique: 'short-poll',
    conn: 'bob-1',
    kind: 'request',
    dir: 'up',
    ...input,
    seq,
  }));
}

describe('toMermaid', () => {
  it('writes the drawn steps of the window in time order, with the diagram’s labels', () => {
    const events = trace(
      {
        t: 0,
        kind: 'request',
        details: { method: 'GET', url: '/api/channels/lobby/messages?since=3&client=bob' },
      },
      // Server-side steps the diagram does not draw are left out; those it draws are kept.
      { t: 5, observer: 'server', actor: 'server-1', peer: 'bob', kind: 'request', dir: 'up' },
      { t: 12, kind: 'response', dir: 'down', messageIds: [4], details: { status: 200 } },
      { t: 14, kind: 'deliver', dir: 'none', messageIds: [4] },
      {
        t: 20,
        kind: 'request',
        details: { method: 'GET', url: '/api/channels/lobby/messages?since=4' },
      },
      { t: 25, kind: 'response', dir: 'down', empty: true, details: { status: 200 } },
      {
        t: 30,
        observer: 'server',
        actor: 'server-1',
        peer: 'alice',
        technique: null,
        kind: 'publish',
        dir: 'none',
        messageIds: [5],
      },
      {
        t: 40,
        actor: 'alice',
        technique: 'websocket',
        conn: 'alice-ws',
        kind: 'ws-frame',
        dir: 'up',
        bytes: { header: 6, payload: 20 },
      },
      {
        t: 41,
        actor: 'alice',
        technique: 'websocket',
        conn: 'alice-ws',
        kind: 'ws-frame',
        dir: 'down',
        bytes: { header: 4, payload: 90 },
        messageIds: [5],
      },
      {
        t: 50,
        actor: 'carol',
        technique: 'sse',
        conn: 'carol-sse',
        kind: 'sse-event',
        dir: 'down',
        messageIds: [5],
        details: { lastEventId: '5', eventType: 'message' },
      },
      {
        t: 55,
        observer: 'server',
        actor: 'server-1',
        technique: null,
        conn: 'faults',
        kind: 'fault',
        dir: 'none',
        details: { fault: 'drop', note: 'dropped 1 connection(s)' },
      },
      {
        t: 60,
        actor: 'carol',
        technique: 'sse',
        conn: 'carol-sse',
        kind: 'error',
        dir: 'none',
        details: { error: 'stream ended' },
      },
      {
        t: 61,
        actor: 'carol',
        technique: 'sse',
        conn: 'carol-sse',
        kind: 'reconnect-wait',
        dir: 'none',
        details: { delayMs: 1000 },
      },
      {
        t: 70,
        actor: 'alice',
        technique: 'websocket',
        conn: 'alice-ws',
        kind: 'close',
        dir: 'none',
        details: { closeCode: 1000 },
      },
      // Outside the window.
      { t: 200, kind: 'request' },
    );
    // Out of time order in the array: sorted by time.
    const shuffled = [events[2]!, events[0]!, ...events.slice(1, 2), ...events.slice(3)];
    expect(toMermaid(shuffled, { t0: 0, t1: 100, actors: ['alice', 'bob'] })).toBe(
      [
        'sequenceDiagram',
        '    participant alice as Alice',
        '    participant bob as Bob',
        '    participant carol as Carol',
        '    participant server as Server',
        '    bob->>server: GET /messages?since=3',
        '    server-->>bob: 200 · 1 msg (#35;4)',
        '    Note over bob: got #35;4',
        '    bob->>server: GET /messages?since=4',
        '    server--xbob: 200 empty — wasted',
        '    Note over server: publish #35;5',
        '    alice-)server: text 26 B',
        '    server-)alice: text 94 B #35;5',
        '    server-)carol: id 5 · message',
        '    Note over alice,server: fault drop: dropped 1 connection(s)',
        '    Note over carol: ✕ stream ended',
        '    Note over carol: wait 1000 ms',
        '    Note over alice: close 1000',
        '',
      ].join('\n'),
    );
  });

  it('escapes what Mermaid would misread, in labels and participant names', () => {
    expect(mermaidText('a;b #1 50% <b>&"x"\nnext')).toBe(
      'a#59;b #35;1 50#37; #lt;b#gt;#amp;#quot;x#quot; next',
    );
    const text = toMermaid(
      trace(
        // URLSearchParams percent-encodes the `;`; the `%` is escaped in turn.
        { actor: 'end', details: { method: 'POST', url: '/api/channels/lobby/messages?x=a;b' } },
        { actor: 'dev-ops', kind: 'error', dir: 'none', details: { error: 'bad\r\nthing; #2' } },
      ),
      { t0: 0, t1: 100 },
    );
    expect(text).toContain('participant p_end as End');
    expect(text).toContain('participant dev_ops as Dev-ops');
    expect(text).toContain('p_end->>server: POST /messages?x=a#37;3Bb');
    expect(text).toContain('Note over dev_ops: ✕ bad thing#59; #35;2');
    // Every step stays on one line, and no raw `#` or `;` survives outside an entity code.
    for (const line of text.trim().split('\n').slice(1))
      expect(line.replace(/#(\d+|[a-z]+);/g, '')).not.toMatch(/[#;]/);
  });

  it('caps the steps, saying how many were left out', () => {
    const events = trace(...Array.from({ length: 12 }, (_, i) => ({ t: i })));
    const lines = toMermaid(events, { t0: 0, t1: 100, actors: ['bob'], maxSteps: 10 })
      .trim()
      .split('\n');
    expect(lines).toHaveLength(1 + 2 + 10 + 1);
    expect(lines.at(-1)).toBe('    Note over bob,server: 2 more steps left out (at most 10)');
    const all = toMermaid(trace(...Array.from({ length: 400 }, (_, i) => ({ t: i }))), {
      t0: 0,
      t1: 1000,
    });
    expect(all.trim().split('\n')).toHaveLength(3 + 300 + 1);
    expect(all).toContain('100 more steps left out (at most 300)');
  });

  it('declares the server even for an empty window', () => {
    expect(toMermaid([], { t0: 0, t1: 1 })).toBe(
      'sequenceDiagram\n    participant server as Server\n',
    );
  });

  it('names the server as simulated when an offline run recorded it', () => {
    const simulated = trace({
      t: 1,
      observer: 'server',
      actor: 'server-1',
      peer: 'bob',
      conn: 'bob-1',
      kind: 'hold',
      details: { simulated: true },
    });
    expect(toMermaid(simulated, { t0: 0, t1: 10 })).toContain(
      'participant server as Server (simulated)',
    );
    const real = trace({ t: 1, observer: 'server', actor: 'server-1', peer: 'bob', kind: 'hold' });
    expect(toMermaid(real, { t0: 0, t1: 10 })).not.toContain('simulated');
  });
});
