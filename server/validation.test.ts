import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { nonFiniteNumberPath } from './validation';
import { startApp, type Running } from './test/helpers';
import { TestSocket } from './test/clients';

/** The status and body of an upgrade the server refuses (or 101 when it accepts). */
function upgradeStatus(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.terminate();
      resolve({ status: 101, body: '' });
    });
    ws.once('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    ws.once('error', reject);
  });
}

/** A GET's status and JSON body; a stream that opened (200) is aborted at once. */
async function getStatus(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  if (response.status === 200) {
    controller.abort();
    return { status: 200, body: null };
  }
  return { status: response.status, body: await response.json() };
}

function postMessage(base: string, body: unknown): Promise<Response> {
  return fetch(`${base}/api/channels/lobby/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('nonFiniteNumberPath', () => {
  it('finds the first ±Infinity or NaN, with its path', () => {
    expect(nonFiniteNumberPath({ since: 3, client: 'a' })).toBeNull();
    expect(nonFiniteNumberPath({ since: Infinity })).toBe('/since');
    expect(nonFiniteNumberPath({ a: [1, -Infinity] })).toBe('/a/1');
    expect(nonFiniteNumberPath({ a: Number.NaN })).toBe('/a');
  });
});

describe('message ids in the query: ±Infinity refused on every route (real sockets)', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(async () => running.close());

  const IDS = ['1e309', 'Infinity', '-Infinity', '-1e309'];

  it.each(IDS)('since=%s → 400 RL_ERR_BAD_SINCE on messages, long-poll and ws', async (id) => {
    const ch = `${running.base}/api/channels/lobby`;
    for (const url of [`${ch}/messages?since=${id}`, `${ch}/long-poll?since=${id}&timeout=1000`]) {
      const answer = await getStatus(url);
      expect(answer.status, url).toBe(400);
      expect(answer.body, url).toMatchObject({ code: 'RL_ERR_BAD_SINCE' });
    }
    const upgrade = await upgradeStatus(`${running.wsBase}/api/channels/lobby/ws?since=${id}`);
    expect(upgrade.status).toBe(400);
    expect(JSON.parse(upgrade.body)).toMatchObject({ code: 'RL_ERR_BAD_SINCE' });
  });

  it.each(IDS)(
    'lastEventId=%s → 400 RL_ERR_BAD_LAST_EVENT_ID, in the query and the header',
    async (id) => {
      const url = `${running.base}/api/channels/lobby/events`;
      const query = await getStatus(`${url}?lastEventId=${id}`);
      expect(query.status).toBe(400);
      expect(query.body).toMatchObject({ code: 'RL_ERR_BAD_LAST_EVENT_ID' });
      const header = await getStatus(url, { 'last-event-id': id });
      expect(header.status).toBe(400);
      expect(header.body).toMatchObject({ code: 'RL_ERR_BAD_LAST_EVENT_ID' });
    },
  );

  it('other numbers in the query refuse Infinity too (timeout, heartbeat, retry)', async () => {
    const ch = `${running.base}/api/channels/lobby`;
    for (const url of [
      `${ch}/long-poll?timeout=1e309`,
      `${ch}/events?heartbeat=Infinity`,
      `${ch}/events?retry=1e400`,
    ]) {
      const answer = await getStatus(url);
      expect(answer.status, url).toBe(400);
      expect(answer.body, url).toMatchObject({ code: 'RL_ERR_BAD_TIMEOUT' });
    }
  });

  it('query strings still coerce: since=2 is the number 2', async () => {
    const answer = await fetch(`${running.base}/api/channels/lobby/messages?since=2`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ messages: [] });
  });
});

describe('publish bodies are not coerced (real sockets)', () => {
  let running: Running;
  beforeAll(async () => {
    running = await startApp();
  });
  afterAll(async () => running.close());

  const NOT_STRINGS: unknown[] = [5, true, null, ['x'], { a: 1 }];

  it.each(NOT_STRINGS)('HTTP: "text": %j → 400 RL_ERR_BAD_BODY, nothing stored', async (text) => {
    const before = running.app.lab.hub.channel('lobby').lastId;
    const answer = await postMessage(running.base, { from: 'alice', text });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({
      error: 'body field "text" must be string',
      code: 'RL_ERR_BAD_BODY',
    });
    expect(running.app.lab.hub.channel('lobby').lastId).toBe(before);
  });

  it('HTTP: "from": 5 and "sentAt": "5" are refused too', async () => {
    expect((await postMessage(running.base, { from: 5, text: 'x' })).status).toBe(400);
    expect((await postMessage(running.base, { from: 'a', text: 'x', sentAt: '5' })).status).toBe(
      400,
    );
  });

  it('HTTP: an unknown field → 400 RL_ERR_BAD_BODY naming it', async () => {
    const answer = await postMessage(running.base, { from: 'alice', text: 'hi', colour: 'red' });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({
      error: 'body field "colour" is not known',
      code: 'RL_ERR_BAD_BODY',
    });
  });

  it('HTTP: a well-typed publish still answers 201', async () => {
    const answer = await postMessage(running.base, {
      from: 'alice',
      text: 'hi',
      type: 'chat',
      sentAt: 1,
    });
    expect(answer.status).toBe(201);
  });

  it.each(NOT_STRINGS)(
    'WebSocket: "text": %j → an RL_ERR_BAD_OP error frame, nothing stored',
    async (text) => {
      const before = running.app.lab.hub.channel('lobby').lastId;
      const socket = await TestSocket.open(`${running.wsBase}/api/channels/lobby/ws`);
      socket.send({ op: 'publish', text });
      expect(await socket.next((f) => f.type === 'error')).toMatchObject({ code: 'RL_ERR_BAD_OP' });
      expect(running.app.lab.hub.channel('lobby').lastId).toBe(before);
      socket.close();
    },
  );
});
