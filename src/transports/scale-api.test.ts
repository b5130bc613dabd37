import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  addGateway,
  getRegistry,
  getTopology,
  killGateway,
  removeGateway,
  restartGateway,
  setBrokerUp,
  setPolicy,
  startTopology,
  stopTopology,
} from './scale-api';
import { CLIENT_ERROR_CODES, TransportError } from './transport-error';
import { fakeFetch, json } from './test/fakes';

afterEach(() => vi.unstubAllGlobals());

const topology = {
  balancer: { port: 9100 },
  gateways: [{ name: 'gateway-1', port: 9101, up: true }],
  policy: 'consistent-hash',
  broker: 'memory',
  brokerUp: true,
};

describe('scale-api', () => {
  it('calls each route with its method and body, on the base URL given', async () => {
    const f = fakeFetch((url) =>
      url.endsWith('/registry') ? json({ connections: [] }) : json(topology),
    );
    vi.stubGlobal('fetch', f.fetch);
    const target = { baseUrl: 'http://lab:8080/' };
    await expect(startTopology({ gateways: 3, broker: 'memory' }, target)).resolves.toEqual(
      topology,
    );
    await getTopology(target);
    await setPolicy('sticky', target);
    await addGateway(target);
    await removeGateway('gateway 2', target);
    await killGateway('gateway-1', target);
    await restartGateway('gateway-1', target);
    await setBrokerUp(false, target);
    await expect(getRegistry(target)).resolves.toEqual([]);
    await stopTopology(target);
    expect(f.calls.map((c) => [c.init.method ?? 'GET', c.url])).toEqual([
      ['POST', 'http://lab:8080/api/scale'],
      ['GET', 'http://lab:8080/api/scale'],
      ['PATCH', 'http://lab:8080/api/scale'],
      ['POST', 'http://lab:8080/api/scale/gateways'],
      ['DELETE', 'http://lab:8080/api/scale/gateways/gateway%202'],
      ['POST', 'http://lab:8080/api/scale/gateways/gateway-1/kill'],
      ['POST', 'http://lab:8080/api/scale/gateways/gateway-1/restart'],
      ['POST', 'http://lab:8080/api/scale/broker'],
      ['GET', 'http://lab:8080/api/scale/registry'],
      ['DELETE', 'http://lab:8080/api/scale'],
    ]);
    expect(JSON.parse(String(f.calls[0]!.init.body))).toEqual({ gateways: 3, broker: 'memory' });
    expect(JSON.parse(String(f.calls[2]!.init.body))).toEqual({ policy: 'sticky' });
    expect(JSON.parse(String(f.calls[7]!.init.body))).toEqual({ up: false });
  });

  it("throws a refusal with the server's sentence, code and status", async () => {
    const sentence = 'no Redis: apt-get install -y redis-server, or set LAB_REDIS_URL';
    vi.stubGlobal(
      'fetch',
      fakeFetch(() => json({ error: sentence, code: 'RL_ERR_NO_REDIS' }, 503)).fetch,
    );
    const error: unknown = await startTopology({ broker: 'redis' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ message: sentence, code: 'RL_ERR_NO_REDIS', status: 503 });
  });

  it('says RL_ERR_NETWORK when nothing answered', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(getRegistry()).rejects.toMatchObject({ code: CLIENT_ERROR_CODES.NETWORK });
  });
});
