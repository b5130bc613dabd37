import { describe, expect, it } from 'vitest';
import { Processes } from './processes';
import { noRedis, supplyRedis } from './redis-supply';

describe('supplyRedis', () => {
  it('uses LAB_REDIS_URL as it is and starts nothing', async () => {
    const processes = new Processes();
    const supply = await supplyRedis(processes, { LAB_REDIS_URL: 'redis://127.0.0.1:6399' });
    expect(supply).toEqual({ url: 'redis://127.0.0.1:6399', origin: 'env' });
    expect(processes.pids).toEqual([]);
  });

  it('says why when no redis-server can be started, and leaves nothing running', async () => {
    const processes = new Processes();
    const supply = await supplyRedis(processes, {
      LAB_REDIS_SERVER: '/nonexistent/redis-server',
    });
    expect(supply.url).toBeNull();
    if (supply.url === null) {
      expect(supply.why).toMatch(/^no Redis could be had \(.*was not found: install redis-server/);
      expect(supply.why).toContain('LAB_REDIS_URL');
    }
    expect(processes.pids).toEqual([]);
  });
});

describe('noRedis', () => {
  it('carries the reason and how to give the bench a Redis', () => {
    expect(noRedis('it exited (1)')).toEqual({
      url: null,
      why: 'no Redis could be had (it exited (1); LAB_REDIS_URL=redis://… names one to use instead)',
    });
  });
});
