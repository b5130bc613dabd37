import { describe, expect, it } from 'vitest';
import { readTopology, ScaleRefused } from './scale-api';

const topology = {
  balancer: { port: 4000 },
  gateways: [
    { name: 'gateway-1', port: 4001, up: true },
    { name: 'gateway-2', port: 4002, up: true },
  ],
  policy: 'consistent-hash',
  broker: 'memory',
  brokerUp: true,
};

describe('readTopology', () => {
  it('gives gateway-1’s and gateway-2’s ports from a started topology', () => {
    expect(readTopology(201, JSON.stringify(topology))).toEqual({ first: 4001, second: 4002 });
  });

  it('finds the gateways by name, not by order', () => {
    const reversed = { ...topology, gateways: [...topology.gateways].reverse() };
    expect(readTopology(201, JSON.stringify(reversed))).toEqual({ first: 4001, second: 4002 });
  });

  it('throws the lab’s refusal with its status, code and sentence', () => {
    const body = JSON.stringify({ error: 'no Redis to use: …', code: 'RL_ERR_NO_REDIS' });
    let refused: unknown;
    try {
      readTopology(503, body);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ScaleRefused);
    expect(refused).toMatchObject({
      status: 503,
      code: 'RL_ERR_NO_REDIS',
      message: 'no Redis to use: …',
    });
  });

  it('refuses an answer with no usable port or no JSON', () => {
    const noSecond = { ...topology, gateways: [topology.gateways[0]] };
    expect(() => readTopology(201, JSON.stringify(noSecond))).toThrow(/no port for gateway-2/);
    const badPort = { ...topology, gateways: [{ name: 'gateway-1', port: 'x' }] };
    expect(() => readTopology(201, JSON.stringify(badPort))).toThrow(/gateway-1/);
    expect(() => readTopology(502, 'Bad Gateway')).toThrow(/502 and no JSON/);
  });
});
