import { describe, expect, it } from 'vitest';
import { wsFrameHeaderBytes, type TraceEventInput } from '../core';
import { SIMULATED_BASE, useSimulatedServer } from './test/simulated-server';

const base = SIMULATED_BASE;
const json = { 'content-type': 'application/json' };

/** The simulated observer stream: every step the simulation tells a page. */
function observe(): {
  steps: TraceEventInput[];
  hello: Promise<Record<string, unknown>>;
  close: () => void;
} {
  const socket = new WebSocket('ws://lab.simulated/api/observe?owner=page-1');
  const steps: TraceEventInput[] = [];
  const hello = new Promise<Record<string, unknown>>((resolve) => {
    socket.addEventListener('message', (event) => {
      const frame = JSON.parse(String(event.data)) as { type: string; event?: TraceEventInput };
      if (frame.type === 'hello') resolve(frame);
      if (frame.type === 'trace' && frame.event) steps.push(frame.event);
    });
  });
  return { steps, hello, close: () => socket.close() };
}

async function until(check: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the simulation traces what the lab server traces, marked simulated', () => {
  useSimulatedServer();

  it('a held long poll: request, hold, publish, release, response — each simulated, on the client’s rid', async () => {
    const observer = observe();
    const hello = await observer.hello;
    expect(hello.server).toBe('server-1');
    const poll = fetch(`${base}/api/channels/trace-1/long-poll?since=0&client=bob&rid=bob-lp-1`);
    await until(() => observer.steps.some((s) => s.kind === 'hold'));
    await fetch(`${base}/api/channels/trace-1/messages?client=alice&rid=alice-pub-1`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ from: 'alice', text: 'hi' }),
    });
    await poll;
    await until(() => observer.steps.filter((s) => s.conn === 'bob-lp-1').length >= 4);
    const bob = observer.steps.filter((s) => s.conn === 'bob-lp-1');
    expect(bob.map((s) => s.kind)).toEqual(['request', 'hold', 'release', 'response']);
    expect(
      bob.every((s) => s.observer === 'server' && s.peer === 'bob' && s.details?.simulated),
    ).toBe(true);
    const response = bob[3]!;
    expect(response.messageIds).toEqual([1]);
    expect(response.empty).toBe(false);
    // The encoded size: the head the simulation writes and the JSON body.
    expect(response.bytes!.header).toBeGreaterThan(50);
    expect(response.bytes!.payload).toBeGreaterThan(20);
    expect(observer.steps.some((s) => s.kind === 'publish' && s.conn === 'alice-pub-1')).toBe(true);
    observer.close();
  });

  it('a WebSocket: the upgrade, frames with RFC 6455 header sizes, and the close', async () => {
    const observer = observe();
    await observer.hello;
    const socket = new WebSocket(
      'ws://lab.simulated/api/channels/trace-2/ws?client=bob&rid=bob-ws-1',
    );
    await new Promise((r) => socket.addEventListener('open', r));
    socket.send(JSON.stringify({ op: 'publish', text: 'x'.repeat(200) }));
    await until(
      () =>
        observer.steps.filter((s) => s.conn === 'bob-ws-1' && s.kind === 'ws-frame').length >= 3,
    );
    socket.close(1000, 'bye');
    await until(() => observer.steps.some((s) => s.conn === 'bob-ws-1' && s.kind === 'close'));
    const steps = observer.steps.filter((s) => s.conn === 'bob-ws-1');
    expect(steps[0]!.kind).toBe('request');
    expect(steps[1]!.kind).toBe('ws-open');
    const up = steps.find((s) => s.kind === 'ws-frame' && s.dir === 'up')!;
    expect(up.bytes!.header).toBe(wsFrameHeaderBytes(up.bytes!.payload, true));
    expect(up.bytes!.payload).toBeGreaterThan(125); // a 16-bit length: 2 + 2 + 4 mask bytes
    expect(up.bytes!.header).toBe(8);
    expect(steps.at(-1)!.details).toMatchObject({
      closeCode: 1000,
      closeReason: 'bye',
      simulated: true,
    });
    observer.close();
  });

  it('a fault is a step of the simulated server, and a drop ends a stream as a close', async () => {
    const observer = observe();
    await observer.hello;
    const stream = await fetch(`${base}/api/channels/trace-3/events?rid=bob-sse-1`, {
      headers: { accept: 'text/event-stream' },
    });
    await until(() => observer.steps.some((s) => s.kind === 'sse-open'));
    await fetch(`${base}/api/faults`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ drop: true }),
    });
    await until(() => observer.steps.some((s) => s.conn === 'bob-sse-1' && s.kind === 'close'));
    const fault = observer.steps.find((s) => s.kind === 'fault')!;
    expect(fault.details).toMatchObject({
      fault: 'drop',
      note: 'dropped 1 connection',
      simulated: true,
    });
    const close = observer.steps.find((s) => s.conn === 'bob-sse-1' && s.kind === 'close')!;
    expect(close.details).toMatchObject({ wasClean: false, note: 'dropped by a fault' });
    // The page's side sees the stream fail (an EventSource then reconnects with Last-Event-ID).
    const reader = stream.body!.getReader();
    const drained = (async () => {
      for (;;) if ((await reader.read()).done) return 'ended';
    })();
    await expect(drained).rejects.toThrow('dropped');
    observer.close();
  });
});
