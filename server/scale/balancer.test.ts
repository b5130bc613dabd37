/** The Scaling lab's balancer over real sockets: real lab servers as gateways, the balancer in front. */
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { HashRing, type BalancerPolicy } from '../../src/core';
import { openSse, TestSocket } from '../test/clients';
import { publish, startApp, type Running } from '../test/helpers';
import { waitFor } from '../test/wait-for';
import { LabBalancer, type GatewayEntry, type RouteInfo } from './balancer';

interface Topology {
  gateways: Running[];
  balancer: LabBalancer;
  base: string;
  wsBase: string;
  routes: RouteInfo[];
}

let running: Topology | null = null;

afterEach(async () => {
  const topology = running;
  running = null;
  if (topology === null) return;
  await topology.balancer.close();
  await Promise.all(topology.gateways.map((gateway) => gateway.close()));
});

function entries(gateways: Running[], up = true): GatewayEntry[] {
  return gateways.map((g, i) => ({ name: `gateway-${i + 1}`, port: g.port, up }));
}

async function start(count: number, policy: BalancerPolicy): Promise<Topology> {
  const gateways = await Promise.all(Array.from({ length: count }, () => startApp()));
  const routes: RouteInfo[] = [];
  const balancer = new LabBalancer({
    gateways: entries(gateways),
    policy,
    onRoute: (info) => routes.push(info),
  });
  const port = await balancer.listen();
  running = {
    gateways,
    balancer,
    base: `http://127.0.0.1:${port}`,
    wsBase: `ws://127.0.0.1:${port}`,
    routes,
  };
  return running;
}

/** A short poll through the balancer: which gateway answered. */
async function landed(base: string, user?: string): Promise<string | null> {
  const query = user === undefined ? 'since=0' : `since=0&client=${user}`;
  const res = await fetch(`${base}/api/channels/lobby/messages?${query}`);
  expect(res.status).toBe(200);
  await res.json();
  return res.headers.get('x-lab-gateway');
}

async function publishAs(base: string, user: string, text: string): Promise<Response> {
  return fetch(`${base}/api/channels/lobby/messages?client=${user}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: user, text }),
  });
}

/** Opens a WebSocket through the balancer; resolves with the socket and the 101's X-Lab-Gateway. */
function openWs(url: string): Promise<{ socket: TestSocket; gateway: string | undefined }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let gateway: string | undefined;
    ws.once('upgrade', (res) => {
      gateway = String(res.headers['x-lab-gateway']);
    });
    const socket = new TestSocket(ws);
    ws.once('open', () => resolve({ socket, gateway }));
    ws.once('unexpected-response', (req, res) => {
      req.destroy();
      reject(new Error(`HTTP ${res.statusCode} from ${String(res.headers['x-lab-gateway'])}`));
    });
    ws.once('error', reject);
  });
}

describe('LabBalancer', () => {
  it('names the gateway on every answer, and round-robin alternates gateways', async () => {
    const { base, routes } = await start(3, 'round-robin');
    const seen: (string | null)[] = [];
    for (let i = 0; i < 4; i += 1) seen.push(await landed(base, 'alice'));
    expect(seen).toEqual(['gateway-1', 'gateway-2', 'gateway-3', 'gateway-1']);
    const posted = await publishAs(base, 'alice', 'hi');
    expect(posted.status).toBe(201);
    expect(posted.headers.get('x-lab-gateway')).toBe('gateway-2');
    // A gateway's own refusal comes back as it is, named too.
    const bad = await fetch(`${base}/api/channels/Bad!/messages`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-lab-gateway')).toBe('gateway-3');
    expect(((await bad.json()) as { code: string }).code).toBe('RL_ERR_BAD_CHANNEL');
    expect(routes[0]).toMatchObject({
      user: 'alice',
      gateway: 'gateway-1',
      policy: 'round-robin',
      path: '/api/channels/lobby/messages',
      upgrade: false,
    });
  });

  it('keeps a user on one gateway under sticky, and switches policy while running', async () => {
    const { base, balancer } = await start(3, 'sticky');
    const bob = await landed(base, 'bob');
    await landed(base, 'carol');
    await landed(base, 'dave');
    for (let i = 0; i < 3; i += 1) expect(await landed(base, 'bob')).toBe(bob);
    balancer.setPolicy('round-robin');
    expect(balancer.policy).toBe('round-robin');
    const turns = new Set([await landed(base, 'bob'), await landed(base, 'bob')]);
    expect(turns.size).toBe(2);
  });

  it('matches the core ring under consistent hashing', async () => {
    const { base } = await start(3, 'consistent-hash');
    const ring = new HashRing(['gateway-1', 'gateway-2', 'gateway-3']);
    for (const user of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) {
      expect(await landed(base, user)).toBe(ring.lookup(user));
      expect(await landed(base, user)).toBe(ring.lookup(user));
    }
  });

  it('sends a new request to the gateway with fewer held long polls, and lists them', async () => {
    const { base, balancer, gateways } = await start(2, 'least-connections');
    const poll = (rid: string): Promise<Response> =>
      fetch(`${base}/api/channels/lobby/long-poll?since=0&timeout=10000&client=bob&rid=${rid}`);
    const held = [poll('p1')];
    await waitFor(() => balancer.openConnections('gateway-1') === 1, 2_000, 'p1 held');
    held.push(poll('p2'));
    await waitFor(() => balancer.openConnections('gateway-2') === 1, 2_000, 'p2 held');
    held.push(poll('p3'));
    await waitFor(() => balancer.connections().length === 3, 2_000, 'p3 held');
    expect(balancer.openConnections('gateway-1')).toBe(2);
    const byConn = Object.fromEntries(balancer.connections().map((c) => [c.conn, c]));
    expect(byConn.p1).toEqual({
      user: 'bob',
      technique: 'long-poll',
      gateway: 'gateway-1',
      conn: 'p1',
    });
    expect(byConn.p2?.gateway).toBe('gateway-2');
    expect(byConn.p3?.gateway).toBe('gateway-1');
    // A publish on each gateway itself releases what it holds; the count falls back to 0.
    await Promise.all(gateways.map((gateway) => publish(gateway.base, 'lobby', 'release')));
    const answers = await Promise.all(held);
    expect(answers.map((a) => a.headers.get('x-lab-gateway'))).toEqual([
      'gateway-1',
      'gateway-2',
      'gateway-1',
    ]);
    await Promise.all(answers.map((a) => a.json()));
    await waitFor(() => balancer.connections().length === 0, 2_000, 'no connection left');
  });

  it('holds a long poll through the balancer until a publish on the same gateway releases it', async () => {
    const { base, balancer } = await start(3, 'sticky');
    const home = await landed(base, 'bob');
    const poll = fetch(`${base}/api/channels/lobby/long-poll?since=0&timeout=10000&client=bob`);
    await waitFor(() => balancer.openConnections(home ?? '') === 1, 2_000, 'poll held');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await publishAs(base, 'bob', 'wake')).headers.get('x-lab-gateway')).toBe(home);
    const res = await poll;
    expect(res.headers.get('x-lab-gateway')).toBe(home);
    const body = (await res.json()) as { messages: { text: string }[] };
    expect(body.messages.map((m) => m.text)).toEqual(['wake']);
  });

  it('streams SSE through the balancer, unbuffered', async () => {
    const { base } = await start(2, 'sticky');
    const home = await landed(base, 'bob');
    const { reader, abort } = await openSse(`${base}/api/channels/lobby/events?client=bob`);
    try {
      expect(reader.response.headers.get('x-lab-gateway')).toBe(home);
      expect(reader.response.headers.get('content-type')).toMatch(/text\/event-stream/);
      await publishAs(base, 'bob', 'streamed');
      await waitFor(() => reader.events().length === 1, 2_000, 'the event');
      expect(JSON.parse(reader.events()[0]?.data ?? '{}')).toMatchObject({ text: 'streamed' });
    } finally {
      abort();
    }
  });

  it('forwards a WebSocket upgrade: the 101 names the gateway, frames flow both ways', async () => {
    const { base, wsBase, balancer } = await start(2, 'sticky');
    const home = await landed(base, 'bob');
    const { socket, gateway } = await openWs(`${wsBase}/api/channels/lobby/ws?client=bob&rid=w1`);
    try {
      expect(gateway).toBe(home);
      expect(balancer.connections()).toEqual([
        { user: 'bob', technique: 'websocket', gateway: home, conn: 'w1' },
      ]);
      await publishAs(base, 'bob', 'over http');
      const first = await socket.next((f) => f.type === 'message');
      expect(first).toMatchObject({ message: { text: 'over http' } });
      socket.send({ op: 'publish', text: 'over the socket' });
      const second = await socket.next(
        (f) => f.type === 'message' && JSON.stringify(f).includes('over the socket'),
      );
      expect(second).toBeDefined();
    } finally {
      socket.close();
    }
    await waitFor(() => balancer.connections().length === 0, 2_000, 'the socket gone');
  });

  it('forwards an upgrade as a plain GET under l7-no-upgrade: the gateway answers 426', async () => {
    const { wsBase, routes } = await start(2, 'l7-no-upgrade');
    await expect(openWs(`${wsBase}/api/channels/lobby/ws?client=bob`)).rejects.toThrow(
      /HTTP 426 from gateway-1/,
    );
    expect(routes.at(-1)).toMatchObject({
      upgrade: true,
      gateway: 'gateway-1',
      refusal: 'upgrade-not-forwarded',
    });
  });

  it('survives clients that hang up on a refused upgrade at any moment (l7-no-upgrade)', async () => {
    const { base, balancer } = await start(2, 'l7-no-upgrade');
    const head =
      'GET /api/channels/lobby/ws?client=bob HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
    const hangUps = Array.from(
      { length: 30 },
      (_, i) =>
        new Promise<void>((resolve) => {
          const socket = connect(balancer.port, '127.0.0.1', () => {
            socket.write(head);
            // Gone at once, after a moment, or as the answer arrives (as a browser's WebSocket does).
            if (i % 3 === 0) socket.destroy();
            else if (i % 3 === 1) setTimeout(() => socket.destroy(), i);
          });
          socket.on('data', () => socket.destroy());
          socket.on('error', () => undefined);
          socket.on('close', () => resolve());
        }),
    );
    await Promise.all(hangUps);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await landed(base, 'carol')).toMatch(/^gateway-\d$/);
  });

  it('answers 502 RL_ERR_BAD_GATEWAY for a stopped gateway, 503 RL_ERR_NO_GATEWAY when none is up', async () => {
    const topology = await start(2, 'round-robin');
    const { base, wsBase, balancer, gateways } = topology;
    await gateways[0]!.close();
    const refused = await fetch(`${base}/api/channels/lobby/messages?since=0`);
    expect(refused.status).toBe(502);
    expect(refused.headers.get('x-lab-gateway')).toBe('gateway-1');
    expect(await refused.json()).toMatchObject({ code: 'RL_ERR_BAD_GATEWAY' });
    expect(await landed(base)).toBe('gateway-2');
    await expect(openWs(`${wsBase}/api/channels/lobby/ws`)).rejects.toThrow(
      /HTTP 502 from gateway-1/,
    );
    balancer.setGateways(entries(gateways, false));
    const none = await fetch(`${base}/api/channels/lobby/messages?since=0`);
    expect(none.status).toBe(503);
    expect(await none.json()).toMatchObject({ code: 'RL_ERR_NO_GATEWAY' });
    await expect(openWs(`${wsBase}/api/channels/lobby/ws`)).rejects.toThrow(/HTTP 503/);
    expect(topology.routes.at(-1)).toMatchObject({ refusal: 'no-gateway-up', upgrade: true });
    // gateway-1 is closed already; closing it again in afterEach must not fail.
    topology.gateways = [gateways[1]!];
  });

  it('destroys every proxied socket to a killed gateway: streams end, sockets close with 1006', async () => {
    const { base, wsBase, balancer } = await start(2, 'sticky');
    const home = (await landed(base, 'bob')) ?? '';
    const { reader } = await openSse(`${base}/api/channels/lobby/events?client=bob`);
    const { socket } = await openWs(`${wsBase}/api/channels/lobby/ws?client=bob`);
    const poll = fetch(`${base}/api/channels/lobby/long-poll?since=0&timeout=10000&client=bob`);
    await waitFor(() => balancer.openConnections(home) === 3, 2_000, 'stream, socket and poll');
    const techniques = balancer.connections().map((c) => `${c.user}/${c.technique}/${c.gateway}`);
    expect(techniques.sort()).toEqual([
      `bob/long-poll/${home}`,
      `bob/sse/${home}`,
      `bob/websocket/${home}`,
    ]);
    expect(balancer.destroyConnectionsTo(home)).toBe(3);
    // The held poll gets no answer at all, as from a crash: its connection just ends.
    await expect(poll).rejects.toThrow();
    expect(balancer.openConnections(home)).toBe(0);
    expect(await socket.closed()).toBe(1006);
    await reader.ended();
    expect(balancer.connections()).toEqual([]);
  });
});

/** A stand-in gateway that shows what arrived, or fails on purpose: `/echo`, `/die`, `/half`. */
async function echoGateway(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    if (request.url === '/die') {
      request.socket.destroy();
      return;
    }
    if (request.url === '/half') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('first part, then the crash');
      setTimeout(() => request.socket.destroy(), 50);
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      response.writeHead(207, { 'content-type': 'application/json', 'x-echo': 'yes' });
      response.end(
        JSON.stringify({
          method: request.method,
          url: request.url,
          headers: request.headers,
          body,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('LabBalancer, forwarding', () => {
  let stop: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of stop.reverse()) await close();
    stop = [];
  });

  async function behindEcho(): Promise<{ base: string; gatewayPort: number }> {
    const echo = await echoGateway();
    stop.push(echo.close);
    const balancer = new LabBalancer({
      gateways: [{ name: 'gateway-1', port: echo.port, up: true }],
    });
    const port = await balancer.listen();
    stop.push(() => balancer.close());
    return { base: `http://127.0.0.1:${port}`, gatewayPort: echo.port };
  }

  it('forwards method, path, headers and body; rewrites Host and adds X-Forwarded-For', async () => {
    const { base, gatewayPort } = await behindEcho();
    const res = await fetch(`${base}/echo?client=bob`, {
      method: 'PUT',
      headers: { 'x-custom': 'kept', 'x-forwarded-for': '10.0.0.9' },
      body: 'a body, streamed up',
    });
    expect(res.status).toBe(207);
    expect(res.headers.get('x-echo')).toBe('yes');
    expect(res.headers.get('x-lab-gateway')).toBe('gateway-1');
    const seen = (await res.json()) as {
      method: string;
      url: string;
      body: string;
      headers: Record<string, string>;
    };
    expect(seen).toMatchObject({
      method: 'PUT',
      url: '/echo?client=bob',
      body: 'a body, streamed up',
    });
    expect(seen.headers.host).toBe(`127.0.0.1:${gatewayPort}`);
    expect(seen.headers['x-custom']).toBe('kept');
    // The client's address appended to the list it came with (http-proxy-3 joins with a bare comma).
    expect(seen.headers['x-forwarded-for']).toBe('10.0.0.9,127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
  });

  it('answers 502 for a gateway that dies before answering, and just ends the connection after', async () => {
    const { base } = await behindEcho();
    const died = await fetch(`${base}/die`);
    expect(died.status).toBe(502);
    expect(await died.json()).toMatchObject({ code: 'RL_ERR_BAD_GATEWAY' });
    const half = await fetch(`${base}/half`);
    expect(half.status).toBe(200);
    expect(half.headers.get('x-lab-gateway')).toBe('gateway-1');
    await expect(half.text()).rejects.toThrow();
  });
});
