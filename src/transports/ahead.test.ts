/**
 * A real restart under the page's transports (server/app.ts on one port, closed and
 * built again): the new server's ids start at 1, below the page's resume point. The
 * server answers `ahead` (protocol.md, "Resuming ahead") and sends all it keeps; the page
 * starts over in the new numbering, says so on the trace, and gets every message the new
 * server took, those published before the page came back included.
 */
import { describe, expect, it } from 'vitest';
import { TECHNIQUES, type TraceEvent, type TraceEventInput } from '../core';
import { buildApp } from '../../server/app';
import { Session } from './session';
import { DEFAULT_KNOBS } from './types';

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function serve(port: number) {
  const app = await buildApp({ logLevel: 'silent' });
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return { app, port: address.port };
}

async function publish(base: string, channel: string, text: string): Promise<void> {
  const post = () =>
    fetch(`${base}/api/channels/${channel}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ from: 'alice', text }),
    });
  // Right after a restart, fetch may first try a pooled socket the old server closed: once more.
  const answer = await post().catch(post);
  expect(answer.status).toBe(201);
}

describe.each(TECHNIQUES)('%s after a real restart (ids start again at 1)', (technique) => {
  it('starts over in the server numbering, traces it, and misses nothing published since the restart', async () => {
    let server = await serve(0);
    const base = `http://127.0.0.1:${server.port}`;
    const channel = `ahead-${technique}`;
    const events: TraceEvent[] = [];
    const append = (e: TraceEventInput): void => {
      events.push({ ...e, seq: events.length });
    };
    const received: string[] = [];
    const session = new Session({
      technique,
      channel,
      baseUrl: base,
      knobs: { ...DEFAULT_KNOBS, pollIntervalMs: 100, longPollTimeoutMs: 1_000, sseRetryMs: 100 },
      receivers: ['bob'],
      store: { append },
      observe: false,
      onMessage: (_actor, m) => received.push(m.text),
    });
    try {
      await session.start();
      if (technique === 'sse' || technique === 'websocket') {
        await waitFor(() => session.participants().every((p) => p.state === 'open'), 'open');
      }
      for (const text of ['one', 'two', 'three']) await publish(base, channel, text);
      await waitFor(() => received.length === 3, 'the first three');

      await server.app.close();
      server = await serve(server.port);
      // Published at once: before the page's next poll or reconnection reaches the new server.
      await publish(base, channel, 'before bob came back');
      await waitFor(
        () =>
          events.some(
            (e) =>
              e.observer === 'client' &&
              e.actor === 'bob' &&
              e.kind === 'error' &&
              String(e.details?.error).includes('its history was reset'),
          ),
        'bob noticing the reset',
      );
      await publish(base, channel, 'after the restart');
      await waitFor(() => received.includes('after the restart'), 'the new server message');
      expect(received).toEqual([
        'one',
        'two',
        'three',
        'before bob came back',
        'after the restart',
      ]);
    } finally {
      session.stop();
      await server.app.close();
    }
  }, 30_000);
});
