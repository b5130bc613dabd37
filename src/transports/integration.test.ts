/**
 * The transports against the real server (server/app.ts) on a free port, in
 * Node: fetch is built in, EventSource and WebSocket come from the
 * --experimental-* flags in vitest.config.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TECHNIQUES, computeStats, type TraceEvent, type TraceEventInput } from '../core';
import { buildApp } from '../../server/app';
import { Session } from './session';
import { DEFAULT_KNOBS } from './types';

type App = Awaited<ReturnType<typeof buildApp>>;
let app: App;
let base = '';

beforeAll(async () => {
  app = await buildApp({ logLevel: 'silent' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  // Takes ~4 s: Node's fetch keeps idle keep-alive sockets that close on their own timeout.
  await app?.close();
});

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(TECHNIQUES)('%s against the server', (technique) => {
  it('delivers a message from alice to bob and carol, traced on both sides', async () => {
    const events: TraceEvent[] = [];
    const append = (e: TraceEventInput): void => {
      events.push({ ...e, seq: events.length });
    };
    const received: string[] = [];
    const session = new Session({
      technique,
      channel: `it-${technique}`,
      baseUrl: base,
      knobs: { ...DEFAULT_KNOBS, pollIntervalMs: 100, longPollTimeoutMs: 2000 },
      receivers: ['bob', 'carol'],
      store: { append },
      observe: true,
      onMessage: (actor, m) => received.push(`${actor}:${m.text}`),
    });
    try {
      await session.start();
      if (technique === 'sse' || technique === 'websocket') {
        await waitFor(
          () => session.participants().every((p) => p.state === 'open'),
          'every participant open',
        );
      }
      const id = await session.send('hello ✓');
      await waitFor(() => received.length >= 2, 'both receivers');
      expect(received.sort()).toEqual(['bob:hello ✓', 'carol:hello ✓']);
      const client = events.filter((e) => e.observer === 'client');
      expect(client.some((e) => e.kind === 'publish' && e.messageIds?.includes(id))).toBe(true);
      const delivers = client.filter((e) => e.kind === 'deliver');
      expect(delivers.map((e) => e.actor).sort()).toEqual(['bob', 'carol']);
      await waitFor(
        () => events.some((e) => e.observer === 'server' && e.kind === 'publish'),
        'the server observer',
      );
      // The server's view shares the browser's connection ids.
      const serverConns = new Set(events.filter((e) => e.observer === 'server').map((e) => e.conn));
      expect(client.some((e) => e.kind === 'request' && serverConns.has(e.conn))).toBe(true);
      const stats = computeStats(events);
      expect(stats.delivered).toBe(2);
      expect(stats.latency.count).toBe(2);
      expect(stats.latency.p50).toBeGreaterThanOrEqual(0);
    } finally {
      session.stop();
    }
    const kinds = events.filter((e) => e.observer === 'client').map((e) => e.kind);
    if (technique === 'websocket') expect(kinds).toContain('ws-frame');
    if (technique === 'sse') expect(kinds).toContain('sse-event');
  });
});
