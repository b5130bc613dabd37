import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { TraceEventInput } from '../core';
import { ObserverClient } from './observer';
import { FakeWebSocket } from './test/fakes';

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

it('refines the offset with sync exchanges, trusting the quickest', () => {
  const events: TraceEventInput[] = [];
  const clocks: Array<{ offsetMs: number; uncertaintyMs: number; samples: number }> = [];
  let pageNow = 1_000;
  const client = new ObserverClient({
    baseUrl: 'http://127.0.0.1:8080',
    emit: (e) => events.push(e),
    now: () => pageNow,
    onClock: (c) => clocks.push(c),
  });
  client.start();
  const ws = FakeWebSocket.instances[0]!;
  ws.open();
  ws.receive({ type: 'hello', serverTime: 6_050, server: 'server-1' }); // a slow hello: 5050 ms apparent offset
  const asked = () => ws.sent.map((text) => JSON.parse(text) as { op: string; t0: number });
  expect(asked()).toEqual([{ op: 'sync', t0: 1_000 }]);
  // Exchange 1 took 40 ms; exchange 2 took 4 ms and says the server is 5000 ms ahead.
  pageNow = 1_040;
  ws.receive({ type: 'sync', t0: 1_000, serverTime: 6_030 });
  expect(asked()).toHaveLength(2);
  pageNow = 1_044;
  ws.receive({ type: 'sync', t0: 1_040, serverTime: 6_042 });
  expect(clocks.at(-1)).toEqual({ offsetMs: 5_000, uncertaintyMs: 2, samples: 2 });
  ws.receive({
    type: 'trace',
    event: {
      t: 6_100,
      observer: 'server',
      actor: 'server-1',
      conn: 'x',
      kind: 'ping',
      dir: 'down',
      technique: 'websocket',
    },
  });
  expect(events.at(-1)!.t).toBe(1_100);
  for (let i = 0; i < 5; i++)
    ws.receive({ type: 'sync', t0: pageNow, serverTime: pageNow + 5_000 });
  expect(asked()).toHaveLength(5);
  client.stop();
});

it('says which page it belongs to, so the server can end the page’s schedules when it goes', () => {
  const client = new ObserverClient({
    baseUrl: 'http://127.0.0.1:8080',
    owner: 'page-0a1b',
    emit: () => undefined,
  });
  client.start();
  expect(FakeWebSocket.instances[0]!.url).toBe('ws://127.0.0.1:8080/api/observe?owner=page-0a1b');
  client.stop();
});
