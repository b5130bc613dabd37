import { describe, expect, it, vi } from 'vitest';
import {
  ConnIds,
  SeenIds,
  Timers,
  absoluteUrl,
  channelUrl,
  parsePollResponse,
  toWebSocketUrl,
} from './common';
import { TransportError } from './transport-error';
import { message } from './test-fakes';

describe('channelUrl', () => {
  it('puts labels and knobs in the query and leaves out undefined values', () => {
    expect(
      channelUrl('', 'lobby', 'messages', { since: 3, client: 'bob', rid: 'bob-short-poll-1' }),
    ).toBe('/api/channels/lobby/messages?since=3&client=bob&rid=bob-short-poll-1');
    expect(
      channelUrl('http://127.0.0.1:8080/', 'room-2', 'events', {
        retry: 3000,
        lastEventId: undefined,
      }),
    ).toBe('http://127.0.0.1:8080/api/channels/room-2/events?retry=3000');
    expect(channelUrl('', 'lobby', 'ws', {})).toBe('/api/channels/lobby/ws');
  });

  it('turns http into ws and resolves against the page', () => {
    expect(toWebSocketUrl('http://h:1/api/channels/lobby/ws?since=1')).toBe(
      'ws://h:1/api/channels/lobby/ws?since=1',
    );
    expect(toWebSocketUrl('https://h/x')).toBe('wss://h/x');
    expect(toWebSocketUrl('/api/observe', 'https://lab.example:9/page')).toBe(
      'wss://lab.example:9/api/observe',
    );
    expect(() => absoluteUrl('/x', undefined)).toThrow(/baseUrl/);
  });
});

describe('ConnIds', () => {
  it('counts per actor and kind', () => {
    const ids = new ConnIds();
    expect(ids.next('alice', 'websocket')).toBe('alice-websocket-1');
    expect(ids.next('alice', 'websocket')).toBe('alice-websocket-2');
    expect(ids.next('bob', 'websocket')).toBe('bob-websocket-1');
    expect(ids.next('alice', 'publish')).toBe('alice-publish-1');
    expect(ids.next('alice', 'websocket')).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
  });
});

describe('SeenIds', () => {
  it('says whether an id is new and tracks the largest', () => {
    const seen = new SeenIds();
    expect(seen.add(2)).toBe(true);
    expect(seen.add(1)).toBe(true);
    expect(seen.add(2)).toBe(false);
    expect(seen.lastId).toBe(2);
    seen.clear();
    expect(seen.add(2)).toBe(true);
  });

  it('folds the oldest ids into a floor past its capacity', () => {
    const seen = new SeenIds(3);
    for (const id of [1, 2, 3, 4, 5]) seen.add(id);
    expect(seen.has(1)).toBe(true);
    expect(seen.has(2)).toBe(true);
    expect(seen.add(2)).toBe(false);
    expect(seen.add(6)).toBe(true);
  });
});

describe('Timers', () => {
  it('cancels every pending timer at once', () => {
    vi.useFakeTimers();
    const timers = new Timers();
    const fn = vi.fn();
    timers.set(fn, 10);
    timers.set(fn, 20);
    expect(timers.size).toBe(2);
    timers.clearAll();
    vi.advanceTimersByTime(100);
    expect(fn).not.toHaveBeenCalled();
    expect(timers.size).toBe(0);
    vi.useRealTimers();
  });
});

describe('parsePollResponse', () => {
  it('reads messages and lastId', () => {
    const body = { messages: [message(1)], lastId: 1 };
    expect(parsePollResponse(JSON.stringify(body))).toEqual(body);
  });

  it('refuses what is not a poll answer with a coded error', () => {
    expect(() => parsePollResponse('<html>')).toThrow(TransportError);
    expect(() => parsePollResponse('{"messages":[]}')).toThrow(/lastId/);
    expect(() => parsePollResponse('{"messages":[{"id":1}],"lastId":1}')).toThrow(/not a message/);
    try {
      parsePollResponse('nope');
    } catch (error) {
      expect((error as TransportError).code).toBe('RL_ERR_BAD_RESPONSE');
    }
  });
});
