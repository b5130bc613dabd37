import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANSWER_MARGIN_MS, LongPollTransport } from './long-poll';
import { ShortPollTransport, SHORT_POLL_ANSWER_MS } from './short-poll';
import { SILENCE_HEARTBEATS } from './silence';
import { SseTransport } from './sse';
import {
  FakeEventSource,
  FakeWebSocket,
  fakeFetch,
  message,
  never,
  options,
  recorder,
} from './test/fakes';
import { WebSocketTransport } from './websocket';
import { DEFAULT_KNOBS } from './types';

beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.instances = [];
  vi.stubGlobal('EventSource', FakeEventSource);
  FakeWebSocket.instances = [];
  vi.stubGlobal('WebSocket', FakeWebSocket);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const knobs = { ...DEFAULT_KNOBS, sseHeartbeatMs: 1000, backoffBaseMs: 1000, backoffJitter: false };

describe('noticing a silent (half-open) connection', () => {
  it('SSE asks for heartbeat events and stays while they come', () => {
    const r = recorder();
    const t = new SseTransport(options(r, { knobs, now: () => Date.now() }));
    t.start();
    const es = FakeEventSource.instances[0]!;
    expect(new URL(es.url).searchParams.get('heartbeatAs')).toBe('event');
    es.open();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(1000);
      es.emit('heartbeat', String(i), '');
    }
    expect(r.of('error')).toHaveLength(0);
    expect(FakeEventSource.instances).toHaveLength(1);
    t.stop();
  });

  it('SSE closes a stream silent for 2.5 heartbeats and reopens it from the last id', () => {
    const r = recorder();
    const t = new SseTransport(options(r, { knobs, now: () => Date.now() }));
    t.start();
    const es = FakeEventSource.instances[0]!;
    es.open();
    es.emit('message', JSON.stringify(message(4)), '4');
    vi.advanceTimersByTime(SILENCE_HEARTBEATS * 1000 - 300);
    expect(r.of('error')).toHaveLength(0);
    vi.advanceTimersByTime(600);
    const error = r.of('error')[0]!;
    expect(error.details?.errorCode).toBe('RL_ERR_SILENT');
    expect(error.details?.error).toMatch(/^silent for \d+ ms/);
    expect(es.closed).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(FakeEventSource.instances).toHaveLength(2);
    expect(new URL(FakeEventSource.instances[1]!.url).searchParams.get('lastEventId')).toBe('4');
    t.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('WebSocket asks for heartbeat frames, stays while frames come, and reopens a silent socket', () => {
    const r = recorder();
    const t = new WebSocketTransport(
      options(r, { knobs: { ...knobs, wsHeartbeatMs: 1000 }, now: () => Date.now() }),
    );
    t.start();
    const ws = FakeWebSocket.instances[0]!;
    expect(new URL(ws.url).searchParams.get('heartbeatAs')).toBe('frame');
    ws.open();
    for (let i = 0; i < 6; i++) {
      vi.advanceTimersByTime(1000);
      ws.receive({ type: 'heartbeat', serverTime: i });
    }
    ws.receive({ type: 'message', message: message(6) });
    expect(r.of('error')).toHaveLength(0);
    // Then nothing at all: presumed dead after 2.5 heartbeats.
    vi.advanceTimersByTime(SILENCE_HEARTBEATS * 1000 + 300);
    expect(r.of('error')[0]!.details).toMatchObject({ errorCode: 'RL_ERR_SILENT' });
    expect(r.of('close').at(-1)!.details?.note).toMatch(/abandoned: silent/);
    vi.advanceTimersByTime(1000);
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(new URL(FakeWebSocket.instances[1]!.url).searchParams.get('since')).toBe('6');
    t.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a long poll unanswered past its timeout and a margin is abandoned and retried', async () => {
    const f = fakeFetch(() => never());
    vi.stubGlobal('fetch', f.fetch);
    const r = recorder();
    const t = new LongPollTransport(options(r, { knobs: { ...knobs, longPollTimeoutMs: 2000 } }));
    t.start();
    await vi.advanceTimersByTimeAsync(2000 + ANSWER_MARGIN_MS - 1);
    expect(r.of('error')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(r.of('error')[0]!.details?.errorCode).toBe('RL_ERR_SILENT');
    expect(r.kinds().slice(-2)).toEqual(['error', 'reconnect-wait']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(f.calls).toHaveLength(2);
    t.stop();
  });

  it('a short poll unanswered for SHORT_POLL_ANSWER_MS is abandoned and retried', async () => {
    const f = fakeFetch(() => never());
    vi.stubGlobal('fetch', f.fetch);
    const r = recorder();
    const t = new ShortPollTransport(options(r, { knobs }));
    t.start();
    await vi.advanceTimersByTimeAsync(SHORT_POLL_ANSWER_MS);
    expect(r.of('error')[0]!.details?.error).toMatch(/no answer within 10000 ms: presumed dead/);
    await vi.advanceTimersByTimeAsync(1000);
    expect(f.calls).toHaveLength(2);
    t.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
