import { describe, expect, it } from 'vitest';
import { sseEvents, timeText } from './connections';
import { machineNow, readTimedText, timedText } from './protocol';

describe('timed publishes', () => {
  it('carry their tag and send time in the text, read back exactly to the microsecond', () => {
    const t0 = 1_777_000_000_123.5;
    const timed = readTimedText(timedText('lab-websocket-1000-3', t0));
    expect(timed?.tag).toBe('lab-websocket-1000-3');
    expect(timed?.t0).toBeCloseTo(t0, 3);
  });

  it('ignore every other text', () => {
    for (const text of ['hello', 'load:', 'load::12', 'load:x:abc', 5, null, undefined]) {
      expect(readTimedText(text)).toBeNull();
    }
  });

  it('are timed on the machine clock (ms since the epoch)', () => {
    expect(Math.abs(machineNow() - Date.now())).toBeLessThan(50);
  });
});

describe('sseEvents', () => {
  it('takes the data of each complete event and keeps the rest for the next chunk', () => {
    const { data, rest } = sseEvents(
      'retry: 3000\n\n: heartbeat\n\nid: 1\nevent: message\ndata: {"a":1}\n\nid: 2\nda',
    );
    expect(data).toEqual(['{"a":1}']);
    expect(rest).toBe('id: 2\nda');
    expect(sseEvents(`${rest}ta: {"b":2}\n\n`).data).toEqual(['{"b":2}']);
  });

  it('joins multi-line data with newlines', () => {
    expect(sseEvents('data: one\ndata: two\n\n').data).toEqual(['one\ntwo']);
  });
});

describe('timeText', () => {
  it('times the publish a lab frame carries, and ignores any other frame', () => {
    const seen: [string, number][] = [];
    const t0 = machineNow() - 5;
    const frame = JSON.stringify({
      type: 'message',
      message: { id: 1, text: timedText('f-1', t0), publishedAt: 1 },
    });
    timeText(frame, (tag, ms) => seen.push([tag, ms]));
    timeText('{"type":"published","id":1}', (tag, ms) => seen.push([tag, ms]));
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toBe('f-1');
    expect(seen[0]![1]).toBeGreaterThanOrEqual(5);
  });
});
