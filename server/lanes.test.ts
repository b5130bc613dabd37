import { afterEach, describe, expect, it } from 'vitest';
import { publish, startApp, type Running } from './test/helpers';
import { waitFor } from './test/wait-for';
import { openSse } from './test/clients';

async function lanesOf(base: string): Promise<Record<string, number>> {
  const body = (await (await fetch(`${base}/api/lanes`)).json()) as {
    lanes: Array<{ name: string; port: number }>;
  };
  return Object.fromEntries(body.lanes.map((lane) => [lane.name, lane.port]));
}

describe('lanes: extra ports of the same server', () => {
  let running: Running;
  afterEach(async () => running?.close());

  it('opens one port per HTTP technique and one for the lesson, each serving the same channels', async () => {
    running = await startApp();
    const { base, port } = running;
    const lanes = await lanesOf(base);
    expect(Object.keys(lanes).sort()).toEqual(['lesson', 'long-poll', 'short-poll', 'sse']);
    const ports = new Set([port, ...Object.values(lanes)]);
    expect(ports.size).toBe(5);

    // A message published on the main port streams out through the SSE lane.
    const { reader, abort } = await openSse(
      `http://127.0.0.1:${lanes.sse}/api/channels/lane/events`,
    );
    await waitFor(() => running.app.lab.stats().sseStreams === 1);
    const id = await publish(base, 'lane', 'via the main port');
    await waitFor(() => reader.events().length === 1);
    expect(reader.events()[0]!.id).toBe(String(id));
    abort();
    const poll = await fetch(
      `http://127.0.0.1:${lanes['short-poll']}/api/channels/lane/messages?since=0`,
    );
    expect(((await poll.json()) as { lastId: number }).lastId).toBe(id);
  });

  it("answers the app's own pages cross-origin (CORS), and nobody else", async () => {
    running = await startApp();
    const { base, port } = running;
    const lane = (await lanesOf(base))['long-poll']!;
    const url = `http://127.0.0.1:${lane}/api/channels/cors/messages`;
    const own = `http://127.0.0.1:${port}`;

    const allowed = await fetch(url, { headers: { origin: own } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(own);
    expect(allowed.headers.get('timing-allow-origin')).toBe(own);
    const fromLocalhost = await fetch(url, { headers: { origin: `http://localhost:${port}` } });
    expect(fromLocalhost.headers.get('access-control-allow-origin')).toBe(
      `http://localhost:${port}`,
    );
    // The dev server's origin is trusted only under `npm run dev` (devOrigins).
    const dev = await fetch(url, { headers: { origin: 'http://localhost:5173' } });
    expect(dev.headers.get('access-control-allow-origin')).toBeNull();

    for (const foreign of ['http://evil.example', `http://127.0.0.1:1`, 'null', 'not a url']) {
      const res = await fetch(url, { headers: { origin: foreign } });
      expect(res.headers.get('access-control-allow-origin'), foreign).toBeNull();
    }
    // Same-origin requests need no CORS headers.
    const same = await fetch(url, { headers: { origin: `http://127.0.0.1:${lane}` } });
    expect(same.status).toBe(200);

    const preflight = await fetch(`http://127.0.0.1:${lane}/api/channels/cors/events`, {
      method: 'OPTIONS',
      headers: {
        origin: own,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'last-event-id',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/last-event-id/);
    const refused = await fetch(`http://127.0.0.1:${lane}/api/channels/cors/events`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe('RL_ERR_BAD_ORIGIN');
  });

  it('closes every lane with the server', async () => {
    running = await startApp();
    const lanes = await lanesOf(running.base);
    await running.close();
    running = undefined as unknown as Running;
    await expect(fetch(`http://127.0.0.1:${lanes.sse}/api/health`)).rejects.toThrow();
  });
});
