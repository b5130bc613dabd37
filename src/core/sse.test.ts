import { describe, expect, it } from 'vitest';
import { encodeSseComment, encodeSseEvent, encodeSseRetry, SseParser } from './sse';

describe('SSE encoding', () => {
  it('writes id, event and one data line per line, ended by a blank line', () => {
    expect(encodeSseEvent({ id: '7', event: 'message', data: '{"a":1}' })).toBe(
      'id: 7\nevent: message\ndata: {"a":1}\n\n',
    );
    expect(encodeSseEvent({ data: 'one\ntwo\r\nthree' })).toBe(
      'data: one\ndata: two\ndata: three\n\n',
    );
    expect(encodeSseRetry(3000)).toBe('retry: 3000\n\n');
    expect(encodeSseComment('ping\nx')).toBe(': ping x\n\n');
  });
  it('refuses a line break inside id or event', () => {
    expect(() => encodeSseEvent({ id: '1\n2', data: '' })).toThrow(/line break/);
    expect(() => encodeSseEvent({ event: 'a\rb', data: '' })).toThrow(/line break/);
  });
});

describe('SseParser', () => {
  it('round-trips what the encoder writes, across arbitrary chunk boundaries', () => {
    const stream =
      encodeSseRetry(1500) +
      encodeSseEvent({ id: '1', event: 'message', data: 'hello' }) +
      encodeSseComment('heartbeat') +
      encodeSseEvent({ id: '2', event: 'ticker', data: 'a\nb' });
    for (let size = 1; size <= stream.length; size += 3) {
      const parser = new SseParser();
      const items = [];
      for (let i = 0; i < stream.length; i += size)
        items.push(...parser.feed(stream.slice(i, i + size)));
      expect(items).toEqual([
        { kind: 'retry', retry: 1500 },
        { kind: 'event', id: '1', event: 'message', data: 'hello' },
        { kind: 'comment', text: 'heartbeat' },
        { kind: 'event', id: '2', event: 'ticker', data: 'a\nb' },
      ]);
    }
  });
  it('follows the spec on CRLF, bare CR, missing space and ignored fields', () => {
    const parser = new SseParser();
    expect(parser.feed('data:x\r\nfoo: bar\rid: 9\r\r\n')).toEqual([
      { kind: 'event', id: '9', event: 'message', data: 'x' },
    ]);
    // The last event id persists to later events; an event with no data is not dispatched.
    expect(parser.feed('event: e\n\ndata: y\n\n')).toEqual([
      { kind: 'event', id: '9', event: 'message', data: 'y' },
    ]);
    expect(parser.feed('retry: soon\n\n')).toEqual([]);
  });
});
