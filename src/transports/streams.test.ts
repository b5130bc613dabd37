import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { wsFrameHeaderBytes } from '../core';
import { SseTransport } from './sse';
import { FakeEventSource, FakeWebSocket, message, options, recorder } from './test/fakes';
import { WebSocketTransport } from './websocket';

beforeEach(() => {
  vi.useFakeTimers();
  FakeEventSource.instances = [];
  FakeWebSocket.instances = [];
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal('WebSocket', FakeWebSocket);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('SseTransport', () => {
  it('opens with labels and knobs, traces events and delivers them', () => {
    const r = recorder();
    const t = new SseTransport(options(r, { since: 5 }));
    t.start();
    const es = FakeEventSource.instances[0]!;
    const url = new URL(es.url);
    expect(url.pathname).toBe('/api/channels/lobby/events');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client: 'bob',
      retry: '3000',
      heartbeat: '15000',
      lastEventId: '5',
    });
    expect(t.state).toBe('connecting');
    es.open();
    expect(t.state).toBe('open');
    es.emit('message', JSON.stringify(message(6)), '6');
    es.emit('chat', JSON.stringify(message(7, { type: 'chat' })), '7');
    expect(r.kinds()).toEqual([
      'request',
      'sse-open',
      'sse-event',
      'deliver',
      'sse-event',
      'deliver',
    ]);
    const ev = r.of('sse-event')[1]!;
    expect(ev.messageIds).toEqual([7]);
    expect(ev.details).toMatchObject({ lastEventId: '7', eventType: 'chat' });
    expect(ev.bytes!.payload).toBeGreaterThan(JSON.stringify(message(7)).length);
    expect(t.lastId).toBe(7);
    t.stop();
    expect(es.closed).toBe(true);
    expect(r.kinds().at(-1)).toBe('close');
    expect(es.listenerCount('message')).toBe(0);
  });

  it('listens for a new event type on the open stream', () => {
    const r = recorder();
    const t = new SseTransport(options(r, { eventTypes: [] }));
    t.start();
    const es = FakeEventSource.instances[0]!;
    expect(es.listenerCount('alert')).toBe(0);
    t.listenFor('alert');
    expect(es.listenerCount('alert')).toBe(1);
    es.emit('alert', JSON.stringify(message(1, { type: 'alert' })), '1');
    expect(r.messages).toHaveLength(1);
    t.stop();
  });

  it('shows the browser reconnecting by itself: error, reconnect-wait, reconnect, sse-open', () => {
    const r = recorder();
    const t = new SseTransport(options(r));
    t.start();
    const es = FakeEventSource.instances[0]!;
    es.open();
    es.fail(0);
    expect(t.state).toBe('reconnect-wait');
    expect(r.of('reconnect-wait')[0]!.details?.delayMs).toBe(3000);
    es.open();
    expect(r.kinds().slice(-4)).toEqual(['error', 'reconnect-wait', 'reconnect', 'sse-open']);
    expect(FakeEventSource.instances).toHaveLength(1);
    t.stop();
  });

  it('reconnects itself (new rid, lastEventId) when the browser gives up', () => {
    const r = recorder();
    const t = new SseTransport(options(r));
    t.start();
    const es = FakeEventSource.instances[0]!;
    es.open();
    es.emit('message', JSON.stringify(message(9)), '9');
    es.fail(2);
    expect(r.of('reconnect-wait')[0]!.details?.delayMs).toBe(1000);
    vi.advanceTimersByTime(1000);
    expect(FakeEventSource.instances).toHaveLength(2);
    const next = new URL(FakeEventSource.instances[1]!.url);
    expect(next.searchParams.get('lastEventId')).toBe('9');
    expect(next.searchParams.get('rid')).not.toBe(new URL(es.url).searchParams.get('rid'));
    t.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reopens the stream when its knobs change', () => {
    const r = recorder();
    const t = new SseTransport(options(r));
    t.start();
    FakeEventSource.instances[0]!.open();
    t.updateKnobs({ ...options(r).knobs, sseRetryMs: 500 });
    expect(FakeEventSource.instances).toHaveLength(2);
    expect(FakeEventSource.instances[0]!.closed).toBe(true);
    expect(new URL(FakeEventSource.instances[1]!.url).searchParams.get('retry')).toBe('500');
    t.stop();
  });
});

describe('WebSocketTransport', () => {
  it('connects with since/heartbeat labels and traces frames with their header bytes', () => {
    const r = recorder();
    const t = new WebSocketTransport(options(r, { since: 2 }));
    t.start();
    const ws = FakeWebSocket.instances[0]!;
    const url = new URL(ws.url);
    expect(url.protocol).toBe('ws:');
    expect(url.pathname).toBe('/api/channels/lobby/ws');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      since: '2',
      client: 'bob',
      heartbeat: '30000',
    });
    ws.open();
    expect(r.of('ws-open')[0]!.details?.status).toBe(101);
    const frame = { type: 'message', message: message(3) };
    ws.receive(frame);
    const down = r.of('ws-frame')[0]!;
    const len = JSON.stringify(frame).length;
    expect(down).toMatchObject({ dir: 'down', messageIds: [3] });
    expect(down.bytes).toEqual({ header: wsFrameHeaderBytes(len, false), payload: len });
    expect(down.details).toMatchObject({ opcode: 1, masked: false });
    expect(r.of('deliver')[0]!.messageIds).toEqual([3]);
    ws.receive(frame); // a duplicate copy
    expect(r.messages).toHaveLength(1);
    expect(r.of('deliver')[1]!.details?.duplicate).toBe(true);
    t.stop();
    expect(ws.closedWith).toEqual({ code: 1000, reason: 'stopped by the client' });
    expect(r.of('close')[0]!.details).toMatchObject({ closeCode: 1000, wasClean: true });
  });

  it('publishes on its socket and resolves on the acknowledgement', async () => {
    const r = recorder();
    const t = new WebSocketTransport(options(r, { actor: 'alice', receive: false }));
    t.start();
    const ws = FakeWebSocket.instances[0]!;
    const sending = t.send('hello', 'chat'); // waits for the socket to open
    ws.open();
    await vi.advanceTimersByTimeAsync(0);
    expect(ws.sent).toHaveLength(1);
    const op = JSON.parse(ws.sent[0]!) as Record<string, unknown>;
    expect(op).toMatchObject({ op: 'publish', text: 'hello', type: 'chat', from: 'alice' });
    const up = r.of('ws-frame')[0]!;
    expect(up.dir).toBe('up');
    expect(up.bytes!.header).toBe(wsFrameHeaderBytes(ws.sent[0]!.length, true));
    expect(up.details?.masked).toBe(true);
    ws.receive({ type: 'message', message: message(11, { sentAt: op.sentAt as number }) });
    ws.receive({ type: 'published', id: 11, publishedAt: 5, ref: op.ref });
    await expect(sending).resolves.toBe(11);
    const publish = r.of('publish')[0]!;
    expect(publish.messageIds).toEqual([11]);
    expect(publish.details?.sentAt).toBe(op.sentAt);
    // The sender does not receive: frames are traced, no deliver.
    expect(r.of('deliver')).toHaveLength(0);
    t.stop();
  });

  it('rejects a send on an error frame, and on a missing ack after the timeout', async () => {
    const r = recorder();
    const t = new WebSocketTransport(options(r, { ackTimeoutMs: 2000 }));
    t.start();
    const ws = FakeWebSocket.instances[0]!;
    ws.open();
    const refused = t.send('x');
    await vi.advanceTimersByTimeAsync(0);
    ws.receive({ type: 'error', error: 'bad type', code: 'RL_ERR_BAD_OP' });
    await expect(refused).rejects.toMatchObject({ code: 'RL_ERR_BAD_OP' });
    const lost = t.send('y');
    const check = expect(lost).rejects.toMatchObject({ code: 'RL_ERR_ACK_TIMEOUT' });
    await vi.advanceTimersByTimeAsync(2000);
    await check;
    t.stop();
  });

  it('after an unexpected close: close, reconnect-wait, reconnect with since', () => {
    const r = recorder();
    const t = new WebSocketTransport(options(r));
    t.start();
    const ws = FakeWebSocket.instances[0]!;
    ws.open();
    ws.receive({ type: 'message', message: message(8) });
    ws.drop(1006);
    expect(r.of('close')[0]!.details).toMatchObject({ closeCode: 1006, wasClean: false });
    expect(t.state).toBe('reconnect-wait');
    vi.advanceTimersByTime(1000);
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(new URL(FakeWebSocket.instances[1]!.url).searchParams.get('since')).toBe('8');
    expect(r.kinds()).toContain('reconnect');
    expect(r.states).toEqual(['connecting', 'open', 'reconnect-wait', 'connecting']);
    t.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects pending sends when stopped', async () => {
    const r = recorder();
    const t = new WebSocketTransport(options(r));
    t.start();
    const pending = t.send('x');
    t.stop();
    await expect(pending).rejects.toMatchObject({ code: 'RL_ERR_STOPPED' });
    await expect(t.send('y')).rejects.toMatchObject({ code: 'RL_ERR_NOT_OPEN' });
  });
});
