import { describe, expect, it } from 'vitest';
import { exportTrace, parseTraceFile, type TraceEvent } from './trace';

const event: TraceEvent = {
  seq: 0,
  t: 1.5,
  observer: 'client',
  actor: 'bob',
  technique: 'sse',
  conn: 'b-1',
  kind: 'sse-open',
  dir: 'down',
};

describe('trace files', () => {
  it('round-trips through JSON', () => {
    const file = exportTrace(
      [event, { ...event, seq: 1, kind: 'close' }],
      'live',
      new Date('2026-11-28T00:00:00Z'),
    );
    expect(file).toMatchObject({
      format: 'realtime-lab-trace',
      version: 1,
      exportedAt: '2026-11-28T00:00:00.000Z',
    });
    expect(parseTraceFile(JSON.parse(JSON.stringify(file)))).toEqual(file);
    expect(file).not.toHaveProperty('clock');
  });
  it('keeps the clock estimate the latencies rest on, and reads files without one', () => {
    const file = exportTrace([event], 'live', new Date(0), { offsetMs: -3.2, uncertaintyMs: 14.6 });
    const read = parseTraceFile(JSON.parse(JSON.stringify(file)));
    expect(read.clock).toEqual({ offsetMs: -3.2, uncertaintyMs: 14.6 });
    expect(parseTraceFile({ ...file, clock: { offsetMs: 'x', uncertaintyMs: 1 } }).clock).toBe(
      undefined,
    );
    expect(
      parseTraceFile({ ...file, clock: { offsetMs: 1, uncertaintyMs: -1 } }),
    ).not.toHaveProperty('clock');
  });
  it('reads a segment step (version 1 still)', () => {
    const file = parseTraceFile({
      format: 'realtime-lab-trace',
      version: 1,
      events: [{ ...event, kind: 'segment', dir: 'none' }],
    });
    expect(file.events[0]!.kind).toBe('segment');
  });
  it.each([
    [null, /JSON object/],
    [{ format: 'other', version: 1, events: [] }, /not a Realtime Lab trace/],
    [{ format: 'realtime-lab-trace', version: 2, events: [] }, /version 2/],
    [{ format: 'realtime-lab-trace', version: 1 }, /"events" array/],
    [
      { format: 'realtime-lab-trace', version: 1, events: [{ seq: 0 }] },
      /event 0 is not a trace event/,
    ],
    [
      { format: 'realtime-lab-trace', version: 1, events: [{ ...event, kind: 'dance' }] },
      /event 0/,
    ],
    [{ format: 'realtime-lab-trace', version: 1, events: [event, event] }, /seq must increase/],
  ])('says what is wrong with %j', (value, message) => {
    expect(() => parseTraceFile(value)).toThrow(message);
  });
});
