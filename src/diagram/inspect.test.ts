import { describe, expect, it } from 'vitest';
import { buildTrace, type StepSketch } from '../core/trace-builder';
import type { TraceEvent } from '../core';
import { inspectStep, neighbourStep } from './inspect';
import { SERVER_ACTOR, TraceIndex } from './trace-index';

const trace = (...steps: StepSketch[]) => buildTrace({}, ...steps);

describe('inspectStep', () => {
  it('shows an HTTP exchange with both views of its bytes, headers, body and how long it was held', () => {
    const index = new TraceIndex(
      trace(
        {
          kind: 'request',
          t: 1000,
          dir: 'up',
          details: { method: 'GET', url: '/api/channels/lobby/long-poll?since=0' },
        },
        {
          kind: 'request',
          t: 1001,
          dir: 'up',
          observer: 'server',
          actor: SERVER_ACTOR,
          peer: 'bob',
          bytes: { header: 312, payload: 0 },
          details: { requestHeaders: { host: '127.0.0.1:8080', accept: '*/*' } },
        },
        {
          kind: 'publish',
          t: 1200,
          actor: 'alice',
          conn: 'a1',
          messageIds: [3],
          details: { sentAt: 1190 },
        },
        {
          kind: 'response',
          t: 1210,
          dir: 'down',
          empty: false,
          messageIds: [3],
          bytes: { header: 150, payload: 120 },
          details: {
            status: 200,
            body: '{"messages":[],"lastId":3}',
            responseHeaders: { 'content-type': 'application/json' },
          },
        },
        { kind: 'deliver', t: 1211, messageIds: [3] },
      ),
    );
    const response = inspectStep(index, 3, 1000)!;
    expect(response.title).toBe('response · bob · #3');
    expect(Object.fromEntries(response.rows)).toMatchObject({
      status: '200',
      carried: '1 message(s)',
      'browser’s estimate': '270 B = 150 B header + 120 B payload',
      'why an estimate':
        'the browser made no Resource Timing entry for this response, so the page does not know its headers.',
      'connection lasted': '210.0 ms',
      'message #3': 'sent at 190.0 ms',
    });
    expect(response.blocks).toEqual([
      { title: 'Request headers', text: 'host: 127.0.0.1:8080\naccept: */*' },
      { title: 'Response headers', text: 'content-type: application/json' },
      { title: 'Body', text: '{\n  "messages": [],\n  "lastId": 3\n}' },
    ]);
    const request = inspectStep(index, 0, 1000)!;
    expect(Object.fromEntries(request.rows)['on the wire (server’s count)']).toBe(
      '312 B = 312 B header + 0 B payload',
    );
    expect(Object.fromEntries(inspectStep(index, 4, 1000)!.rows)['latency of #3']).toBe('21.0 ms');
    expect(inspectStep(index, 99, 0)).toBeNull();
  });

  it('shows an SSE event as its exact lines and a frame bit by bit', () => {
    const index = new TraceIndex(
      trace(
        {
          kind: 'sse-event',
          t: 1,
          dir: 'down',
          technique: 'sse',
          messageIds: [7],
          details: { lastEventId: '7', eventType: 'message', body: '{"id":7}' },
        },
        {
          kind: 'ws-frame',
          t: 2,
          dir: 'up',
          technique: 'websocket',
          conn: 'w',
          bytes: { header: 6, payload: 20 },
          details: { opcode: 1, body: '{"op":"publish","text":"hi"}' },
        },
      ),
    );
    expect(inspectStep(index, 0, 0)!.blocks).toEqual([
      { title: 'Event stream lines', text: 'id: 7\nevent: message\ndata: {"id":7}\n\n' },
    ]);
    const frame = inspectStep(index, 1, 0)!.blocks;
    expect(frame[0]!.text).toContain('first two bytes  10000001 10010100');
    expect(frame[0]!.text).toContain('header 6 B + payload 20 B = 26 B');
    expect(frame[1]!.text).toContain('"op": "publish"');
  });
});

describe('neighbourStep', () => {
  const events = trace(
    { kind: 'request', t: 1 },
    { kind: 'hold', t: 2 },
    { kind: 'response', t: 3 },
  );
  const drawable = (e: TraceEvent) => e.kind !== 'hold';
  it('moves between drawable steps and stops at the ends', () => {
    expect(neighbourStep(events, null, 1, drawable)).toBe(0);
    expect(neighbourStep(events, null, -1, drawable)).toBe(2);
    expect(neighbourStep(events, 0, 1, drawable)).toBe(2);
    expect(neighbourStep(events, 2, 1, drawable)).toBe(2);
    expect(neighbourStep(events, 2, -1, drawable)).toBe(0);
    expect(neighbourStep([], null, 1, drawable)).toBeNull();
  });
});

describe('the two byte counts of one step', () => {
  const server = { observer: 'server' as const, actor: SERVER_ACTOR, peer: 'alice' };
  it('names the server’s count as what was on the wire and says why the browser’s differs', () => {
    const index = new TraceIndex(
      trace(
        {
          kind: 'response',
          t: 10,
          dir: 'down',
          actor: 'alice',
          conn: 'a1',
          bytes: { header: 300, payload: 36 },
        },
        {
          ...server,
          kind: 'response',
          t: 8,
          dir: 'down',
          conn: 'a1',
          bytes: { header: 176, payload: 36 },
        },
      ),
    );
    for (const seq of [0, 1]) {
      const rows = Object.fromEntries(inspectStep(index, seq, 0)!.rows);
      expect(rows['on the wire (server’s count)']).toBe('212 B = 176 B header + 36 B payload');
      expect(rows['browser’s estimate']).toBe('336 B = 300 B header + 36 B payload');
      expect(rows['why they differ']).toMatch(
        /Resource Timing gives every response’s headers as a flat 300 B/,
      );
    }
  });

  it('matches a frame with the same frame on the other side, not another on the same socket', () => {
    const index = new TraceIndex(
      trace(
        // Alice's socket: her publish goes up, the message comes down, then the server's acknowledgement.
        {
          ...server,
          kind: 'ws-frame',
          t: 1,
          dir: 'up',
          conn: 'ws',
          bytes: { header: 6, payload: 106 },
        },
        {
          ...server,
          kind: 'ws-frame',
          t: 3,
          dir: 'down',
          conn: 'ws',
          messageIds: [1],
          bytes: { header: 4, payload: 183 },
        },
        {
          ...server,
          kind: 'ws-frame',
          t: 4,
          dir: 'down',
          conn: 'ws',
          bytes: { header: 2, payload: 83 },
        },
        {
          kind: 'ws-frame',
          t: 5,
          dir: 'down',
          actor: 'alice',
          conn: 'ws',
          bytes: { header: 2, payload: 83 },
        },
        {
          kind: 'ws-frame',
          t: 6,
          dir: 'down',
          actor: 'alice',
          conn: 'ws',
          messageIds: [1],
          bytes: { header: 4, payload: 183 },
        },
      ),
    );
    const ack = Object.fromEntries(inspectStep(index, 3, 0)!.rows);
    expect(ack['on the wire (server’s count)']).toBe('85 B = 2 B header + 83 B payload');
    expect(ack['why they agree']).toMatch(/the same here/);
    const message = Object.fromEntries(inspectStep(index, 4, 0)!.rows);
    expect(message['on the wire (server’s count)']).toBe('187 B = 4 B header + 183 B payload');
  });
});
