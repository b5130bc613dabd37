import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestMeta } from './request-meta';

/** Just what request-meta.ts reads of a request. */
function request(method: string, url: string, rawHeaders: string[] = []): IncomingMessage {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2)
    headers[rawHeaders[i]!.toLowerCase()] = rawHeaders[i + 1]!;
  const fake = { method, url, rawHeaders, headers, socket: { remoteAddress: '127.0.0.1' } };
  return fake as unknown as IncomingMessage;
}

describe('requestMeta', () => {
  it('reads the technique from the path, the user from client= and the conn from rid=', () => {
    const meta = (method: string, url: string) => requestMeta(request(method, url));
    expect(meta('GET', '/api/channels/lobby/messages?since=0&client=bob&rid=r1')).toEqual({
      user: 'bob',
      technique: 'short-poll',
      conn: 'r1',
      path: '/api/channels/lobby/messages',
    });
    expect(meta('POST', '/api/channels/lobby/messages').technique).toBeUndefined();
    expect(meta('GET', '/api/channels/lobby/long-poll?since=0').technique).toBe('long-poll');
    expect(meta('GET', '/api/channels/lobby/events').technique).toBe('sse');
    expect(meta('GET', '/api/channels/lobby/ws').technique).toBe('websocket');
    expect(meta('GET', '/api/health')).toMatchObject({ user: null, technique: undefined });
    // A label the lab would refuse routes as no user at all.
    expect(meta('GET', '/api/channels/lobby/events?client=Not%20ok').user).toBeNull();
  });
});
