/** `/api/scale` over real sockets: the contract of issue #12, point 6, on the lab's own server. */
import { execFileSync } from 'node:child_process';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type Running } from '../test/helpers';
import { startRedisServer, skipRedis, type RedisServer } from '../test/redis-server';
import { waitFor } from '../test/wait-for';
import { landed, openWs } from './test-clients';
import type { TopologyView } from './topology';

let lab: Running | null = null;
let redis: RedisServer | null = null;
const savedEnv = { ...process.env };

afterEach(async () => {
  process.env = { ...savedEnv };
  await lab?.close();
  lab = null;
  await redis?.stop();
  redis = null;
});

async function labBase(): Promise<string> {
  lab = await startApp();
  return lab.base;
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
}

async function expectCode(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(((await res.json()) as { code: string }).code).toBe(code);
}

async function topology(res: Response, status = 200): Promise<TopologyView> {
  expect(res.status).toBe(status);
  return (await res.json()) as TopologyView;
}

/** The pids of this process's redis-server children. */
function redisChildren(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)]).toString();
  return out
    .split('\n')
    .filter((line) => line.includes('redis-server'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

describe('/api/scale', () => {
  it('starts, reads, switches and stops a topology, and refuses a second one', async () => {
    const base = await labBase();
    await expectCode(await call(base, 'GET', '/api/scale'), 404, 'RL_ERR_NO_TOPOLOGY');
    const started = await topology(await call(base, 'POST', '/api/scale', {}), 201);
    expect(started).toMatchObject({ policy: 'consistent-hash', broker: 'memory' });
    expect(started.gateways.map((g) => `${g.name}:${g.up}`)).toEqual([
      'gateway-1:true',
      'gateway-2:true',
      'gateway-3:true',
    ]);
    expect(started.gateways.map((g) => g.name)).toContain(
      await landed(started.balancer.port, 'alice'),
    );
    await expectCode(
      await call(base, 'POST', '/api/scale', { gateways: 2 }),
      409,
      'RL_ERR_SCALE_RUNNING',
    );
    expect(await topology(await call(base, 'GET', '/api/scale'))).toEqual(started);
    const patched = await topology(
      await call(base, 'PATCH', '/api/scale', { policy: 'round-robin' }),
    );
    expect(patched.policy).toBe('round-robin');
    await expectCode(
      await call(base, 'PATCH', '/api/scale', { policy: 'random' }),
      400,
      'RL_ERR_BAD_BODY',
    );
    await expectCode(await call(base, 'PATCH', '/api/scale', {}), 400, 'RL_ERR_BAD_BODY');
    const deleted = await call(base, 'DELETE', '/api/scale');
    expect(deleted.status).toBe(204);
    await expect(fetch(`http://127.0.0.1:${started.balancer.port}/api/health`)).rejects.toThrow();
    await expectCode(await call(base, 'GET', '/api/scale'), 404, 'RL_ERR_NO_TOPOLOGY');
    await expectCode(await call(base, 'DELETE', '/api/scale'), 404, 'RL_ERR_NO_TOPOLOGY');
  });

  it('refuses bad bodies with 400 and every change with 404 while none runs', async () => {
    const base = await labBase();
    for (const body of [
      { gateways: 1 },
      { gateways: 6 },
      { policy: 'random' },
      { broker: 'kafka' },
      { extra: 1 },
    ]) {
      await expectCode(await call(base, 'POST', '/api/scale', body), 400, 'RL_ERR_BAD_BODY');
    }
    const changes: [string, string, unknown?][] = [
      ['PATCH', '/api/scale', { policy: 'sticky' }],
      ['POST', '/api/scale/gateways'],
      ['DELETE', '/api/scale/gateways/gateway-1'],
      ['POST', '/api/scale/gateways/gateway-1/kill'],
      ['POST', '/api/scale/gateways/gateway-1/restart'],
      ['POST', '/api/scale/broker', { up: false }],
      ['GET', '/api/scale/registry'],
    ];
    for (const [method, path, body] of changes) {
      await expectCode(await call(base, method, path, body), 404, 'RL_ERR_NO_TOPOLOGY');
    }
  });

  it('kills, restarts, adds and removes gateways, lists the registry, and takes the broker down', async () => {
    const base = await labBase();
    const started = await topology(
      await call(base, 'POST', '/api/scale', { gateways: 2, policy: 'sticky' }),
      201,
    );
    const port = started.balancer.port;
    const { socket, gateway } = await openWs(port, 'bob');
    const registry = await call(base, 'GET', '/api/scale/registry');
    expect(await registry.json()).toEqual({
      connections: [{ user: 'bob', technique: 'websocket', gateway, conn: 'w-bob' }],
    });
    const killed = await topology(await call(base, 'POST', `/api/scale/gateways/${gateway}/kill`));
    expect(killed.gateways.find((g) => g.name === gateway)?.up).toBe(false);
    expect(await socket.closed()).toBe(1006);
    const other = killed.gateways.find((g) => g.name !== gateway)!.name;
    expect(await landed(port, 'bob')).toBe(other);
    await expectCode(
      await call(base, 'POST', `/api/scale/gateways/${gateway}/kill`),
      409,
      'RL_ERR_GATEWAY_CONFLICT',
    );
    const restarted = await topology(
      await call(base, 'POST', `/api/scale/gateways/${gateway}/restart`),
    );
    const back = restarted.gateways.find((g) => g.name === gateway)!;
    expect(back.up).toBe(true);
    expect(back.port).not.toBe(started.gateways.find((g) => g.name === gateway)!.port);
    await expectCode(
      await call(base, 'POST', '/api/scale/gateways/gateway-9/kill'),
      404,
      'RL_ERR_NO_SUCH_GATEWAY',
    );
    await expectCode(
      await call(base, 'POST', '/api/scale/gateways/gateway-9/restart'),
      404,
      'RL_ERR_NO_SUCH_GATEWAY',
    );
    await expectCode(
      await call(base, 'DELETE', '/api/scale/gateways/gateway-9'),
      404,
      'RL_ERR_NO_SUCH_GATEWAY',
    );
    for (const name of ['gateway-3', 'gateway-4', 'gateway-5']) {
      const added = await topology(await call(base, 'POST', '/api/scale/gateways'));
      expect(added.gateways.at(-1)).toMatchObject({ name, up: true });
    }
    await expectCode(
      await call(base, 'POST', '/api/scale/gateways'),
      409,
      'RL_ERR_GATEWAY_CONFLICT',
    );
    const removed = await topology(await call(base, 'DELETE', '/api/scale/gateways/gateway-1'));
    expect(removed.gateways.map((g) => g.name)).toEqual([
      'gateway-2',
      'gateway-3',
      'gateway-4',
      'gateway-5',
    ]);
    await expectCode(
      await call(base, 'POST', '/api/scale/broker', { up: 'no' }),
      400,
      'RL_ERR_BAD_BODY',
    );
    expect(
      (await topology(await call(base, 'POST', '/api/scale/broker', { up: false }))).brokerUp,
    ).toBe(false);
    expect(
      (await topology(await call(base, 'POST', '/api/scale/broker', { up: true }))).brokerUp,
    ).toBe(true);
    await expectCode(await call(base, 'POST', '/api/scale/broker', {}), 400, 'RL_ERR_BAD_BODY');
    expect(
      await topology(await call(base, 'POST', '/api/scale/broker', { off: true })),
    ).toMatchObject({ brokerUp: true, brokerOff: true });
    expect(
      (await topology(await call(base, 'POST', '/api/scale/broker', { off: false }))).brokerOff,
    ).toBe(false);
  });

  it('refuses a second POST while the first topology is still starting', async () => {
    const base = await labBase();
    const both = await Promise.all([
      call(base, 'POST', '/api/scale', { gateways: 2 }),
      call(base, 'POST', '/api/scale', { gateways: 2 }),
    ]);
    expect(both.map((res) => res.status).sort()).toEqual([201, 409]);
    const refused = both.find((res) => res.status === 409)!;
    expect(((await refused.json()) as { code: string }).code).toBe('RL_ERR_SCALE_RUNNING');
  });

  it('stops the topology when the lab closes', async () => {
    const base = await labBase();
    const started = await topology(await call(base, 'POST', '/api/scale', { gateways: 2 }), 201);
    await lab?.close();
    lab = null;
    await expect(fetch(`http://127.0.0.1:${started.balancer.port}/api/health`)).rejects.toThrow();
    await expect(
      fetch(`http://127.0.0.1:${started.gateways[1]!.port}/api/health`),
    ).rejects.toThrow();
  });

  it('answers 503 RL_ERR_NO_REDIS for broker "redis" with neither LAB_REDIS_URL nor a redis-server', async () => {
    const base = await labBase();
    delete process.env.LAB_REDIS_URL;
    delete process.env.LAB_REDIS_SERVER;
    process.env.PATH = '/nonexistent';
    await expectCode(
      await call(base, 'POST', '/api/scale', { broker: 'redis' }),
      503,
      'RL_ERR_NO_REDIS',
    );
    process.env.PATH = savedEnv.PATH;
    // Nothing was left half-started: a memory topology starts next.
    expect((await call(base, 'POST', '/api/scale', { gateways: 2 })).status).toBe(201);
  });
});

describe.skipIf(skipRedis('/api/scale on Redis'))('/api/scale on Redis', () => {
  it('starts a redis-server child for broker "redis" and stops it on DELETE', async () => {
    const base = await labBase();
    delete process.env.LAB_REDIS_URL;
    const before = redisChildren();
    const started = await topology(
      await call(base, 'POST', '/api/scale', { gateways: 2, broker: 'redis' }),
      201,
    );
    expect(started.broker).toBe('redis');
    const pids = redisChildren().filter((pid) => !before.includes(pid));
    expect(pids).toHaveLength(1);
    expect(
      (await topology(await call(base, 'POST', '/api/scale/broker', { up: false }))).brokerUp,
    ).toBe(false);
    expect((await call(base, 'DELETE', '/api/scale')).status).toBe(204);
    await waitFor(() => !redisChildren().includes(pids[0]!), 3_000, 'the redis-server child gone');
  });

  it('uses LAB_REDIS_URL when set, and leaves that Redis running', async () => {
    redis = await startRedisServer();
    const base = await labBase();
    process.env.LAB_REDIS_URL = redis.url;
    const before = redisChildren();
    expect((await call(base, 'POST', '/api/scale', { gateways: 2, broker: 'redis' })).status).toBe(
      201,
    );
    expect(redisChildren()).toEqual(before);
    const clients = execFileSync('redis-cli', [
      '-p',
      String(redis.port),
      'CLIENT',
      'LIST',
    ]).toString();
    // Two per gateway's broker and the topology's own (pause and resume), besides redis-cli itself.
    expect(clients.trim().split('\n').length).toBeGreaterThanOrEqual(5);
    expect((await call(base, 'DELETE', '/api/scale')).status).toBe(204);
    expect(
      execFileSync('redis-cli', ['-p', String(redis.port), 'PING'])
        .toString()
        .trim(),
    ).toBe('PONG');
  });
});

/**
 * The Scaling lab's point, end to end: Bob's WebSocket is held on one gateway,
 * Alice publishes through the balancer and lands on another, and the broker
 * carries her message across.
 */
async function crossesGateways(broker: 'memory' | 'redis'): Promise<void> {
  lab = await startApp();
  // Sticky places each new user round-robin, so Bob and Alice land on different gateways.
  const res = await fetch(`${lab.base}/api/scale`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ gateways: 2, policy: 'sticky', broker }),
  });
  expect(res.status).toBe(201);
  const topology = (await res.json()) as TopologyView;
  const port = topology.balancer.port;

  const bob = await openWs(port, 'bob');
  const published = await fetch(
    `http://127.0.0.1:${port}/api/channels/lobby/messages?client=alice`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'alice', text: 'across' }),
    },
  );
  expect(published.status).toBe(201);
  const aliceGateway = published.headers.get('x-lab-gateway');
  expect(aliceGateway).not.toBeNull();
  expect(aliceGateway).not.toBe(bob.gateway);
  const { id } = (await published.json()) as { id: number };

  const frame = await bob.socket.next<{ message: { id: number; text: string } }>(
    (f) => f.type === 'message' && (f.message as { text?: string }).text === 'across',
    5_000,
  );
  expect(frame.message.id).toBe(id);
  bob.socket.close();
}

describe('a message crosses from one gateway to another through the broker', () => {
  it('on the memory broker', async () => {
    await crossesGateways('memory');
  });

  it.skipIf(skipRedis('a message crossing gateways on Redis'))(
    'on a real redis-server',
    async () => {
      redis = await startRedisServer();
      process.env.LAB_REDIS_URL = redis.url;
      await crossesGateways('redis');
    },
  );
});

describe("the lab's page reaches the gateways through the balancer, across origins", () => {
  it('gets CORS answers and preflights for its own origin, opens a WebSocket, and a foreign origin does not', async () => {
    const base = await labBase();
    const started = await topology(await call(base, 'POST', '/api/scale', { gateways: 2 }), 201);
    const balancer = `http://127.0.0.1:${started.balancer.port}`;
    const page = base; // the lab's own page: http://127.0.0.1:<the lab's port>
    const poll = await fetch(`${balancer}/api/channels/lobby/messages?since=0&client=bob`, {
      headers: { origin: page },
    });
    expect(poll.status).toBe(200);
    expect(poll.headers.get('access-control-allow-origin')).toBe(page);
    expect(poll.headers.get('x-lab-gateway')).toMatch(/^gateway-\d$/);

    const preflight = await fetch(`${balancer}/api/channels/lobby/messages`, {
      method: 'OPTIONS',
      headers: {
        origin: page,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(page);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

    const opened = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${started.balancer.port}/api/channels/lobby/ws`, {
        origin: page,
      });
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', reject);
    });
    expect(opened).toBe(101);

    const foreign = 'http://evil.example';
    const stranger = await fetch(`${balancer}/api/channels/lobby/messages?since=0`, {
      headers: { origin: foreign },
    });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    const refused = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${started.balancer.port}/api/channels/lobby/ws`, {
        origin: foreign,
      });
      ws.once('open', () => resolve(101));
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', reject);
    });
    expect(refused).toBe(403);
  });
});
