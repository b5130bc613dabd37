import { describe, expect, it } from 'vitest';
import {
  configFromEnv,
  crossGatewayReceivers,
  DEFAULT_CONFIG,
  liveConfig,
  parseClients,
} from './config';

describe('configFromEnv', () => {
  it('is the defaults without LOAD_ variables: N = 1,000 / 5,000 / 10,000', () => {
    expect(configFromEnv({})).toEqual(DEFAULT_CONFIG);
    expect(DEFAULT_CONFIG.clients).toEqual([1_000, 5_000, 10_000]);
  });

  it('reads LOAD_CLIENTS and the other whole numbers', () => {
    const config = configFromEnv({
      LOAD_CLIENTS: '5000, 1000',
      LOAD_RATE_SECONDS: '3',
      LOAD_ADDRESSES: '32',
    });
    expect(config.clients).toEqual([1_000, 5_000]);
    expect(config.rateSeconds).toBe(3);
    expect(config.sourceAddresses).toBe(32);
  });

  it('writes no file with an empty LOAD_OUT', () => {
    expect(configFromEnv({ LOAD_OUT: '' }).outDir).toBeNull();
    expect(configFromEnv({ LOAD_OUT: 'tmp/out' }).outDir).toBe('tmp/out');
  });

  it('refuses a bad value with a sentence naming the variable', () => {
    expect(() => configFromEnv({ LOAD_PUBLISHES: 'many' })).toThrow(
      /LOAD_PUBLISHES must be a whole number/,
    );
    expect(() => configFromEnv({ LOAD_ADDRESSES: '251' })).toThrow(/LOAD_ADDRESSES/);
  });
});

describe('parseClients', () => {
  it('sorts, drops repeats and empty parts', () => {
    expect(parseClients('10000,1000,,1000')).toEqual([1_000, 10_000]);
  });

  it('refuses nothing, zero, fractions and more than 100,000', () => {
    for (const raw of ['', ',', '0', '1.5', '100001', 'abc'])
      expect(() => parseClients(raw)).toThrow(RangeError);
  });
});

describe('liveConfig', () => {
  it('is one N on one client process, shared server processes, short steps, no file', () => {
    const config = liveConfig(20);
    expect(config).toMatchObject({
      clients: [20],
      clientProcesses: 1,
      fanOutPublishes: 1,
      rateSeconds: 1,
      rateWarmupSeconds: 0,
      throughputReceivers: 20,
      outDir: null,
      shareServerProcesses: true,
    });
    expect(config.throughputStepMs).toBeLessThan(DEFAULT_CONFIG.throughputStepMs);
    expect(config.throughputMaxSteps).toBeLessThan(DEFAULT_CONFIG.throughputMaxSteps);
    expect(DEFAULT_CONFIG.shareServerProcesses).toBe(false);
  });
});

describe('crossGatewayReceivers', () => {
  it('is the smallest N, at most the cap', () => {
    expect(crossGatewayReceivers(DEFAULT_CONFIG)).toBe(1_000);
    expect(crossGatewayReceivers({ clients: [200, 5_000], crossGatewayMaxReceivers: 1_000 })).toBe(
      200,
    );
    expect(
      crossGatewayReceivers({ clients: [5_000, 10_000], crossGatewayMaxReceivers: 1_000 }),
    ).toBe(1_000);
  });
});
