/** The Scaling lab's topology over real sockets: real lab gateways, the balancer in front, both brokers. */
import { afterEach, describe, expect, it } from 'vitest';
import { startRedisServer, skipRedis, type RedisServer } from '../test/redis-server';
import type { Broker } from '../broker/broker';
import { landed, openWs } from './test-clients';
import { startLabGateway, type StartGateway } from './gateway';
import { openRedisSource } from './redis-source';
import { Topology } from './topology';

let running: Topology | null = null;
let redis: RedisServer | null = null;

afterEach(async () => {
  await running?.stop();
  running = null;
  await redis?.stop();
  redis = null;
});

async function start(...args: Parameters<typeof Topology.start>): Promise<Topology> {
  running = await Topology.start(...args);
  return running;
}

/** Holds an SSE stream through the balancer; `end` says how its body ended: `done` or `destroyed`. */
async function holdSse(
  port: number,
  user: string,
): Promise<{ gateway: string; end: Promise<string> }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/channels/lobby/events?client=${user}`);
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const end = (async () => {
    try {
      while (!(await reader.read()).done);
      return 'done';
    } catch {
      return 'destroyed';
    }
  })();
  return { gateway: res.headers.get('x-lab-gateway') ?? '', end };
}

describe('Topology', () => {
  it('starts three gateways behind a balancer on the memory broker, and stops them all', async () => {
    const topology = await start();
    const view = topology.view();
    expect(view).toMatchObject({
      policy: 'consistent-hash',
      broker: 'memory',
      brokerUp: true,
      brokerOff: false,
    });
    expect(view.gateways.map((g) => [g.name, g.up])).toEqual([
      ['gateway-1', true],
      ['gateway-2', true],
      ['gateway-3', true],
    ]);
    expect(new Set([view.balancer.port, ...view.gateways.map((g) => g.port)]).size).toBe(4);
    expect(view.gateways.map((g) => g.name)).toContain(await landed(view.balancer.port, 'alice'));
    await topology.stop();
    running = null;
    await expect(fetch(`http://127.0.0.1:${view.balancer.port}/api/health`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${view.gateways[0]!.port}/api/health`)).rejects.toThrow();
  });

  it('hands each gateway its own broker on one bus; down, the fan-out stops and the history stays', async () => {
    const brokers: Broker[] = [];
    const startGateway: StartGateway = (name, broker) => {
      brokers.push(broker);
      return startLabGateway(name, broker);
    };
    const topology = await start({ gateways: 2, startGateway });
    expect(brokers).toHaveLength(2);
    const got: string[] = [];
    await brokers[1]!.subscribe('lobby', (m) => got.push(m.text));
    await brokers[0]!.publish('lobby', { from: 'alice', text: 'across' });
    expect(got).toEqual(['across']);
    expect((await topology.setBrokerUp(false)).brokerUp).toBe(false);
    const kept = await brokers[0]!.publish('lobby', { from: 'alice', text: 'kept' });
    expect(got).toEqual(['across']);
    const history = await brokers[1]!.since('lobby', 0);
    expect(history.messages.map((m) => [m.id, m.text, m.type])).toEqual([
      [1, 'across', 'message'],
      [kept.id, 'kept', 'message'],
    ]);
    expect((await topology.setBrokerUp(true)).brokerUp).toBe(true);
    await brokers[0]!.publish('lobby', { from: 'alice', text: 'back' });
    expect(got).toEqual(['across', 'back']);
  });

  it('switched off, keeps each message to its own gateway, live and in the history', async () => {
    const brokers: Broker[] = [];
    const startGateway: StartGateway = (name, broker) => {
      brokers.push(broker);
      return startLabGateway(name, broker);
    };
    const topology = await start({ gateways: 2, startGateway });
    const own: string[] = [];
    const other: string[] = [];
    await brokers[0]!.subscribe('lobby', (m) => own.push(m.text));
    await brokers[1]!.subscribe('lobby', (m) => other.push(m.text));
    expect(await topology.setBrokerOff(true)).toMatchObject({ brokerOff: true, brokerUp: true });
    await brokers[0]!.publish('lobby', { from: 'alice', text: 'alone' });
    expect((await topology.setBrokerOff(false)).brokerOff).toBe(false);
    await brokers[0]!.publish('lobby', { from: 'alice', text: 'across' });
    expect(own).toEqual(['alone', 'across']);
    expect(other).toEqual(['across']);
    expect((await brokers[1]!.since('lobby', 0)).messages.map((m) => m.text)).toEqual(['across']);
    expect((await brokers[0]!.since('lobby', 0)).messages.map((m) => m.text)).toEqual([
      'alone',
      'across',
    ]);
  });

  it('kills a gateway abruptly: its socket closes 1006, its stream is destroyed, polls land elsewhere', async () => {
    const topology = await start({ gateways: 2, policy: 'sticky' });
    const port = topology.view().balancer.port;
    const { socket, gateway } = await openWs(port, 'bob');
    const sse = await holdSse(port, 'bob');
    expect(sse.gateway).toBe(gateway);
    const view = await topology.killGateway(gateway);
    expect(view.gateways.find((g) => g.name === gateway)?.up).toBe(false);
    expect(await socket.closed()).toBe(1006);
    expect(await sse.end).toBe('destroyed');
    const other = view.gateways.find((g) => g.name !== gateway)!.name;
    for (const user of ['bob', 'carol', 'dave']) expect(await landed(port, user)).toBe(other);
    await expect(topology.killGateway(gateway)).rejects.toMatchObject({
      code: 'RL_ERR_GATEWAY_CONFLICT',
    });
    const old = topology.view().gateways.find((g) => g.name === gateway)!.port;
    const back = await topology.restartGateway(gateway);
    const again = back.gateways.find((g) => g.name === gateway)!;
    expect(again.up).toBe(true);
    expect(again.port).not.toBe(old);
    const res = await fetch(`http://127.0.0.1:${again.port}/api/health`);
    expect(res.status).toBe(200);
    await expect(topology.restartGateway(gateway)).rejects.toMatchObject({
      code: 'RL_ERR_GATEWAY_CONFLICT',
    });
  });

  it('removes a gateway gracefully: its socket gets 1001, and the balancer routes around it', async () => {
    const topology = await start({ gateways: 2, policy: 'round-robin' });
    const port = topology.view().balancer.port;
    const { socket, gateway } = await openWs(port, 'bob');
    const view = await topology.removeGateway(gateway);
    expect(view.gateways.map((g) => g.name)).not.toContain(gateway);
    expect(await socket.closed()).toBe(1001);
    const left = view.gateways[0]!.name;
    expect([await landed(port, 'a'), await landed(port, 'b')]).toEqual([left, left]);
    await expect(topology.removeGateway(left)).rejects.toMatchObject({
      code: 'RL_ERR_GATEWAY_CONFLICT',
    });
    await expect(topology.removeGateway('gateway-9')).rejects.toMatchObject({
      code: 'RL_ERR_NO_SUCH_GATEWAY',
    });
    const added = await topology.addGateway();
    expect(added.gateways.map((g) => g.name)).toEqual([left, 'gateway-3']);
    const seen = new Set<string | null>();
    for (const user of ['a', 'b', 'c', 'd']) seen.add(await landed(port, user));
    expect(seen).toEqual(new Set([left, 'gateway-3']));
  });

  it('adds up to five gateways, then refuses a sixth', async () => {
    const topology = await start({ gateways: 4, policy: 'least-connections' });
    expect((await topology.addGateway()).gateways.map((g) => g.name)).toContain('gateway-5');
    await expect(topology.addGateway()).rejects.toMatchObject({
      code: 'RL_ERR_GATEWAY_CONFLICT',
      status: 409,
    });
    expect((await topology.setPolicy('round-robin')).policy).toBe('round-robin');
  });
});

describe.skipIf(skipRedis('the topology on Redis'))('Topology on Redis', () => {
  it('starts its own redis-server child when no LAB_REDIS_URL is set, and stops it', async () => {
    const topology = await start({
      gateways: 2,
      broker: 'redis',
      redis: () => openRedisSource({ PATH: process.env.PATH }),
    });
    const pid = topology.redis?.pid ?? 0;
    expect(topology.redis?.origin).toBe('child');
    expect(alive(pid)).toBe(true);
    expect((await topology.setBrokerUp(false)).brokerUp).toBe(false);
    expect((await topology.setBrokerUp(true)).brokerUp).toBe(true);
    await topology.stop();
    running = null;
    expect(alive(pid)).toBe(false);
  });

  it('uses LAB_REDIS_URL as it is and leaves that Redis running', async () => {
    redis = await startRedisServer();
    const topology = await start({
      gateways: 2,
      broker: 'redis',
      redis: () => openRedisSource({ LAB_REDIS_URL: redis!.url }),
    });
    expect(topology.redis).toMatchObject({ origin: 'env', url: redis.url });
    await topology.stop();
    running = null;
    expect(alive(redis.pid)).toBe(true);
  });

  it('refuses with RL_ERR_NO_REDIS when there is neither a URL nor a binary', async () => {
    await expect(openRedisSource({ PATH: '/nonexistent' })).rejects.toMatchObject({
      code: 'RL_ERR_NO_REDIS',
      status: 503,
    });
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
