import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { HashRing } from '../../core/hash-ring';
import { initialScaleState, type ScaleState } from '../../store/scale-store';
import { createTraceStore } from '../../store/trace-store';
import { fakeFetch, json } from '../../transports/test/fakes';
import { balancerUrl, ScaleController } from './scale-controller';

afterEach(() => vi.unstubAllGlobals());

const USERS = ['alice', 'bob', 'carol'];

/** A lab server's /api/scale, just enough of it: a topology that grows and changes as asked. */
function fakeScaleServer(
  options: { moved?: { users: number; of: number; policy: string }; noRedis?: boolean } = {},
) {
  let gateways: Array<{ name: string; port: number; up: boolean }> = [];
  let policy = 'consistent-hash';
  const topology = () => ({
    balancer: { port: 9100 },
    gateways,
    policy,
    broker: 'memory',
    brokerUp: true,
    ...(options.moved ? { moved: options.moved } : {}),
  });
  const f = fakeFetch((url, init) => {
    const method = init.method ?? 'GET';
    const path = new URL(url, 'http://lab').pathname;
    if (path === '/api/scale/registry') {
      const ring = new HashRing(gateways.map((g) => g.name));
      return json({
        connections: USERS.map((user) => ({
          user,
          technique: 'websocket',
          gateway: ring.lookup(user),
          conn: `${user}-websocket-1`,
        })),
      });
    }
    if (path === '/api/scale' && method === 'POST') {
      if (gateways.length > 0)
        return json({ error: 'a topology is running already', code: 'RL_ERR_SCALE_RUNNING' }, 409);
      const body = JSON.parse(String(init.body)) as { gateways?: number; broker?: string };
      if (options.noRedis && body.broker === 'redis')
        return json(
          {
            error: 'no Redis: set LAB_REDIS_URL or apt-get install -y redis-server',
            code: 'RL_ERR_NO_REDIS',
          },
          503,
        );
      const n = body.gateways ?? 3;
      gateways = Array.from({ length: n }, (_, i) => ({
        name: `gateway-${i + 1}`,
        port: 9101 + i,
        up: true,
      }));
      return json(topology(), 201);
    }
    if (path === '/api/scale' && method === 'PATCH') {
      policy = (JSON.parse(String(init.body)) as { policy: string }).policy;
      return json(topology());
    }
    if (path === '/api/scale/gateways' && method === 'POST') {
      gateways = [...gateways, { name: `gateway-${gateways.length + 1}`, port: 9200, up: true }];
      return json(topology());
    }
    const kill = /^\/api\/scale\/gateways\/([^/]+)\/kill$/.exec(path);
    if (kill) {
      gateways = gateways.map((g) => (g.name === kill[1] ? { ...g, up: false } : g));
      return json(topology());
    }
    return json({ error: `no route ${method} ${path}`, code: 'RL_ERR_NOT_FOUND' }, 404);
  });
  return f;
}

function controller() {
  const store = createStore<ScaleState>(() => initialScaleState());
  const trace = createTraceStore();
  const scale = new ScaleController(store, trace, () => ({
    protocol: 'http:',
    hostname: '127.0.0.1',
  }));
  return { store, scale };
}

/** Lets the registry's first read (a timeout of 0, then its fetch) land. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('ScaleController', () => {
  it('starts a topology with the form’s choice, shows it, and reads the registry', async () => {
    const server = fakeScaleServer();
    vi.stubGlobal('fetch', server.fetch);
    const { store, scale } = controller();
    expect(scale.choose({ gateways: 4 })).toBeNull();
    await scale.startTopology();
    await settle();
    const state = store.getState();
    expect(state.phase).toBe('running');
    expect(state.topology?.gateways.map((g) => g.name)).toEqual([
      'gateway-1',
      'gateway-2',
      'gateway-3',
      'gateway-4',
    ]);
    expect(state.registry.map((e) => e.user)).toEqual(USERS);
    expect(JSON.parse(String(server.calls[0]!.init.body))).toEqual({
      gateways: 4,
      policy: 'consistent-hash',
      broker: 'memory',
    });
    scale.leave();
  });

  it('refuses a gateway count outside 2–5 with a sentence, and changes nothing', () => {
    const { store, scale } = controller();
    expect(scale.choose({ gateways: 6 })).toMatch(/from 2 to 5/);
    expect(store.getState().choice.gateways).toBe(3);
  });

  it('shows a refusal in the server’s words, with its code', async () => {
    vi.stubGlobal('fetch', fakeScaleServer().fetch);
    const { store, scale } = controller();
    await scale.startTopology();
    scale.leave();
    const second = controller();
    await second.scale.startTopology();
    expect(second.store.getState()).toMatchObject({
      phase: 'none',
      notice: 'a topology is running already',
      noticeCode: 'RL_ERR_SCALE_RUNNING',
    });
    expect(store.getState().notice).toBeNull();
  });

  it('switches the policy live while a topology runs', async () => {
    const server = fakeScaleServer();
    vi.stubGlobal('fetch', server.fetch);
    const { store, scale } = controller();
    await scale.startTopology();
    scale.choose({ policy: 'round-robin' });
    await settle();
    expect(server.calls.some((c) => c.init.method === 'PATCH')).toBe(true);
    expect(store.getState().topology?.policy).toBe('round-robin');
    scale.leave();
  });

  it('counts the users an added gateway moves on the ring, from the registry before', async () => {
    vi.stubGlobal('fetch', fakeScaleServer().fetch);
    const { store, scale } = controller();
    await scale.startTopology();
    await settle();
    await scale.addGateway();
    const three = new HashRing(['gateway-1', 'gateway-2', 'gateway-3']);
    const four = new HashRing([...three.nodes(), 'gateway-4']);
    const moved = USERS.filter((u) => three.lookup(u) !== four.lookup(u)).length;
    expect(store.getState().moved).toEqual({
      moved,
      total: 3,
      change: `gateway-4 added: ${moved} of 3 users moved`,
    });
    scale.leave();
  });

  it('prefers the server’s own count of moved users', async () => {
    vi.stubGlobal(
      'fetch',
      fakeScaleServer({ moved: { users: 2, of: 7, policy: 'consistent-hash' } }).fetch,
    );
    const { store, scale } = controller();
    await scale.startTopology();
    await scale.addGateway();
    expect(store.getState().moved?.change).toBe('gateway-4 added: 2 of 7 users moved');
    scale.leave();
  });

  it('shows a killed gateway down', async () => {
    vi.stubGlobal('fetch', fakeScaleServer().fetch);
    const { store, scale } = controller();
    await scale.startTopology();
    await scale.kill('gateway-2');
    expect(store.getState().topology?.gateways.find((g) => g.name === 'gateway-2')?.up).toBe(false);
    scale.leave();
  });

  it('resets, saying so, when the topology was stopped elsewhere', async () => {
    const server = fakeScaleServer();
    vi.stubGlobal('fetch', (url: string, init?: RequestInit) =>
      url.endsWith('/registry')
        ? Promise.resolve(
            json({ error: 'no topology is running', code: 'RL_ERR_NO_TOPOLOGY' }, 404),
          )
        : server.fetch(url, init),
    );
    const { store, scale } = controller();
    await scale.startTopology();
    await settle();
    expect(store.getState()).toMatchObject({
      phase: 'none',
      topology: null,
      noticeCode: 'RL_ERR_NO_TOPOLOGY',
      notice: 'The topology stopped elsewhere: no topology is running',
    });
  });

  it('asks for a topology before a run', async () => {
    const { store, scale } = controller();
    await scale.startRun();
    expect(store.getState().run).toBe('stopped');
    expect(store.getState().notice).toMatch(/Start a topology first/);
  });
});

describe('balancerUrl', () => {
  it('is the page’s own host on the balancer’s port (IPv6 in brackets)', () => {
    expect(balancerUrl(9100, { protocol: 'http:', hostname: '127.0.0.1' })).toBe(
      'http://127.0.0.1:9100',
    );
    expect(balancerUrl(9100, { protocol: 'http:', hostname: '::1' })).toBe('http://[::1]:9100');
  });
});

describe('ScaleController without Redis', () => {
  it("says how to get one in the server's words, and starts on the memory broker", async () => {
    vi.stubGlobal('fetch', fakeScaleServer({ noRedis: true }).fetch);
    const { store, scale } = controller();
    scale.choose({ broker: 'redis' });
    await scale.startTopology();
    const state = store.getState();
    expect(state.phase).toBe('running');
    expect(state.topology?.broker).toBe('memory');
    expect(state.choice.broker).toBe('memory');
    expect(state.notice).toMatch(
      /apt-get install -y redis-server.*The memory broker is used instead\./,
    );
    expect(state.noticeCode).toBe('RL_ERR_NO_REDIS');
    await scale.stopTopology().catch(() => undefined);
  });
});
