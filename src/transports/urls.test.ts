import { describe, expect, it } from 'vitest';
import { absoluteUrl, channelUrl, toWebSocketUrl } from './urls';

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
