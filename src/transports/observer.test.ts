import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { TraceEventInput } from '../core';
import { ObserverClient } from './observer';
import { FakeWebSocket } from './test-fakes';

beforeEach(() => {
  FakeWebSocket.instances = [];
  vi.stubGlobal('WebSocket', FakeWebSocket);
});
afterEach(() => vi.unstubAllGlobals());

it('puts the server’s steps on the page’s clock, keeping the server’s own reading', () => {
  const events: TraceEventInput[] = [];
  let pageNow = 5_000;
  const client = new ObserverClient({
    baseUrl: 'http://127.0.0.1:8080',
    emit: (e) => events.push(e),
    now: () => pageNow,
  });
  client.start();
  const ws = FakeWebSocket.instances[0]!;
  expect(ws.url).toBe('ws://127.0.0.1:8080/api/observe');
  ws.open();
  // The server's clock reads 12 s ahead of the page's.
  ws.receive({ type: 'hello', serverTime: 17_000, server: 'server-1' });
  expect(client.hello?.offsetMs).toBe(12_000);
  pageNow = 5_100;
  const step: TraceEventInput = {
    t: 17_090,
    observer: 'server',
    actor: 'server-1',
    peer: 'bob',
    technique: 'long-poll',
    conn: 'bob-long-poll-1',
    kind: 'hold',
    dir: 'none',
    details: { timeoutMs: 30_000 },
  };
  ws.receive({ type: 'trace', event: step });
  expect(events).toEqual([{ ...step, t: 5_090, details: { timeoutMs: 30_000, serverT: 17_090 } }]);
  client.stop();
});
