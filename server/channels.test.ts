import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openSse } from './test/clients';
import { publish, startApp, type Running } from './test/helpers';
import { waitFor } from './test/wait-for';

function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}

describe('bounded channels (real HTTP)', () => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('past the channel cap a new channel is refused 503 RL_ERR_TOO_MANY_CHANNELS on every route', async () => {
    running = await startApp({ limits: { maxChannels: 3 } });
    const { base, wsBase, app } = running;
    expect((await fetch(`${base}/api/channels/one/messages`)).status).toBe(200);
    await publish(base, 'two', 'hi');
    expect(app.lab.hub.channelNames().sort()).toEqual(['lobby', 'one', 'two']);
    const refused = await fetch(`${base}/api/channels/three/messages`);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'RL_ERR_TOO_MANY_CHANNELS' });
    const post = await fetch(`${base}/api/channels/three/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'a', text: 'x' }),
    });
    expect(post.status).toBe(503);
    expect((await fetch(`${base}/api/channels/three/long-poll?timeout=0`)).status).toBe(503);
    expect((await fetch(`${base}/api/channels/three/events`)).status).toBe(503);
    expect(await upgradeStatus(`${wsBase}/api/channels/three/ws`)).toBe(503);
    expect(app.lab.hub.channelNames()).toHaveLength(3);
    // Channels already held still work.
    expect(await publish(base, 'one', 'still')).toBe(1);
  });

  it('past the total history bytes, the oldest messages go first, whatever their channel', async () => {
    running = await startApp({ limits: { maxHistoryBytes: 3_000 } });
    const { base, app } = running;
    const text = 'x'.repeat(400);
    for (let i = 0; i < 12; i++) await publish(base, i % 2 === 0 ? 'even' : 'odd', `${i} ${text}`);
    expect(app.lab.hub.held.bytes).toBeLessThanOrEqual(3_000);
    expect(app.lab.hub.held.bytes).toBeGreaterThan(2_000);
    const even = (await (await fetch(`${base}/api/channels/even/messages`)).json()) as {
      messages: { text: string }[];
    };
    const odd = (await (await fetch(`${base}/api/channels/odd/messages`)).json()) as {
      messages: { text: string }[];
    };
    const kept = [...even.messages, ...odd.messages].map((m) => Number(m.text.split(' ')[0]));
    kept.sort((a, b) => a - b);
    // A run of the newest, both channels: the oldest went first.
    expect(kept.length).toBeGreaterThanOrEqual(4);
    expect(kept.length).toBeLessThan(12);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 12 - kept.length + i));
  });

  it('forgets idle channels with no message and no listener (short idle option), and not the others', async () => {
    running = await startApp({ limits: { idleChannelMs: 150, maxChannels: 5 } });
    const { base, app } = running;
    for (const ch of ['empty-a', 'empty-b']) await fetch(`${base}/api/channels/${ch}/messages`);
    await publish(base, 'kept', 'a message keeps it');
    const stream = await openSse(`${base}/api/channels/listened/events`);
    expect(app.lab.hub.channelNames()).toHaveLength(5);
    await waitFor(
      () => !app.lab.hub.channelNames().includes('empty-a'),
      3_000,
      'the idle empty channels forgotten',
    );
    expect(app.lab.hub.channelNames().sort()).toEqual(['kept', 'listened', 'lobby']);
    // A forgotten channel frees its place under the cap.
    expect((await fetch(`${base}/api/channels/newcomer/messages`)).status).toBe(200);
    stream.abort();
    await waitFor(
      () => !app.lab.hub.channelNames().includes('listened'),
      3_000,
      'the stream gone, its channel forgotten',
    );
  });
});
