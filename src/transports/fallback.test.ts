import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FALLBACK_AFTER_FAILURES, PROBE_EVERY_MS, WebSocketWithFallback } from './fallback';
import { FakeWebSocket, fakeFetch, json, message, never, options, recorder } from './test/fakes';

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.instances = [];
  vi.stubGlobal('WebSocket', FakeWebSocket);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Lets the newest socket fail before it opens, as a refused upgrade does, and waits out the backoff. */
async function refuseLatest(): Promise<void> {
  FakeWebSocket.instances.at(-1)!.drop(1006);
  await vi.advanceTimersByTimeAsync(10_000);
}

describe('WebSocket with a long-polling fallback', () => {
  it('falls back after repeated failed opens, keeps delivering from the last id, and comes back', async () => {
    let polls = 0;
    const f = fakeFetch(() => {
      polls++;
      return polls === 1 ? json({ messages: [message(8), message(9)], lastId: 9 }) : never();
    });
    vi.stubGlobal('fetch', f.fetch);
    const r = recorder();
    const t = new WebSocketWithFallback(options(r, { since: 7 }));
    t.start();
    for (let i = 0; i < FALLBACK_AFTER_FAILURES - 1; i++) await refuseLatest();
    expect(t.fallenBack).toBe(false);
    FakeWebSocket.instances.at(-1)!.drop(1006);
    expect(t.fallenBack).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    const switched = r.of('fallback');
    expect(switched).toHaveLength(1);
    expect(switched[0]!.details?.note).toMatch(
      /3 times in a row: falling back to long polling from id 7/,
    );
    // The long polls resume after the socket's last id and count as this WebSocket client's steps.
    expect(new URL(f.calls[0]!.url).searchParams.get('since')).toBe('7');
    expect(r.messages.map((m) => m.id)).toEqual([8, 9]);
    const polled = r.events.filter((e) => e.details?.fallback);
    expect(polled.length).toBeGreaterThan(0);
    expect(polled.every((e) => e.technique === 'websocket')).toBe(true);

    // A probe that is refused keeps it on long polling…
    const sockets = FakeWebSocket.instances.length;
    await vi.advanceTimersByTimeAsync(PROBE_EVERY_MS);
    expect(FakeWebSocket.instances).toHaveLength(sockets + 1);
    const refused = FakeWebSocket.instances.at(-1)!;
    // The probe asks for no history (an id above the channel's would be answered as ahead, with all of it).
    expect(new URL(refused.url).searchParams.has('since')).toBe(false);
    refused.drop(1006);
    expect(t.fallenBack).toBe(true);
    // …one that opens brings it back, resuming after the last id the polls reached.
    await vi.advanceTimersByTimeAsync(PROBE_EVERY_MS);
    const probe = FakeWebSocket.instances.at(-1)!;
    probe.open();
    expect(probe.closedWith?.code).toBe(1000);
    expect(t.fallenBack).toBe(false);
    const socket = FakeWebSocket.instances.at(-1)!;
    expect(socket).not.toBe(probe);
    expect(new URL(socket.url).searchParams.get('since')).toBe('9');
    expect(r.of('fallback').at(-1)!.details?.note).toMatch(/works again.*from id 9/);
    socket.open();
    expect(t.state).toBe('open');
    t.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends a message typed while the socket keeps failing over the long polls it falls back to', async () => {
    const f = fakeFetch((url, init) =>
      init.method === 'POST'
        ? json({ id: 5, publishedAt: 1 }, 201)
        : url.includes('long-poll')
          ? never()
          : json({ messages: [], lastId: 4 }),
    );
    vi.stubGlobal('fetch', f.fetch);
    const r = recorder();
    const t = new WebSocketWithFallback(options(r));
    t.start();
    for (let i = 0; i < FALLBACK_AFTER_FAILURES - 1; i++) await refuseLatest();
    // Sent while the socket is still connecting: it waits for the open that never comes…
    const sent = t.send('typed during the switch');
    FakeWebSocket.instances.at(-1)!.drop(1006);
    expect(t.fallenBack).toBe(true);
    // …and goes over the long polls once the client falls back, rather than being refused.
    await expect(sent).resolves.toBe(5);
    const post = f.calls.find((c) => c.init.method === 'POST');
    expect(post?.url).toMatch(/\/messages\?/);
    expect(JSON.parse(String(post?.init.body))).toMatchObject({ text: 'typed during the switch' });
    t.stop();
  });

  it('does not fall back when the socket opened in between failures', async () => {
    vi.stubGlobal('fetch', fakeFetch(() => never()).fetch);
    const r = recorder();
    const t = new WebSocketWithFallback(options(r));
    t.start();
    for (let i = 0; i < FALLBACK_AFTER_FAILURES + 2; i++) {
      FakeWebSocket.instances.at(-1)!.open();
      await refuseLatest();
    }
    expect(t.fallenBack).toBe(false);
    expect(r.of('fallback')).toHaveLength(0);
    t.stop();
  });
});
