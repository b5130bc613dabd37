/**
 * The load lab end to end, tiny: 50 clients per technique and a few seconds of each
 * section against real server processes, to prove the harness works and that everything
 * it opens is closed again. No figure is asserted: only that each section has them. The
 * Scaling section runs on the memory broker and on a real redis-server of the bench's own
 * (a missing binary fails the test; only `LAB_SKIP_REDIS=1` leaves Redis out, and says so).
 */
import { describe, expect, it } from 'vitest';
import { skipRedis } from '../../server/test/redis-server';
import { DEFAULT_CONFIG, type LoadConfig } from './config';
import { runLoadLab } from './harness';
import { sleep } from './pool';
import { alive } from './processes';
import { formatReport } from './table';

const withRedis = !skipRedis('the tiny load run’s Redis row');

const TINY: LoadConfig = {
  ...DEFAULT_CONFIG,
  clients: [50],
  sourceAddresses: 4,
  stepTimeoutMs: 10_000,
  fanOutPublishes: 2,
  fanOutWaitMs: 2_000,
  rateSeconds: 1,
  rateWarmupSeconds: 0,
  settleMs: 100,
  throughputReceivers: 50,
  throughputStepMs: 250,
  throughputMaxSteps: 2,
  crossGatewayRedis: withRedis,
  outDir: null,
};

const tcpSockets = (): number =>
  process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

describe('npm run bench:load, tiny', () => {
  it('measures every section and closes every client and server it opened', async () => {
    const socketsBefore = tcpSockets();
    const { results, audit } = await runLoadLab(TINY);

    const memory = results.memory.map((f) => `${f.subject} ${f.technique} ${f.connections}`);
    expect(memory.sort()).toEqual([
      'bare-fastify long-poll 50',
      'bare-fastify sse 50',
      'bare-ws websocket 50',
      'lab long-poll 50',
      'lab sse 50',
      'lab websocket 50',
      'socket.io websocket 50',
    ]);
    for (const f of results.memory)
      expect(Number.isFinite(f.rssPerConnection) && f.healthMs > 0).toBe(true);
    expect(results.fanOut.map((f) => `${f.subject} ${f.technique}`).sort()).toEqual([
      'bare-fastify sse',
      'bare-ws websocket',
      'lab sse',
      'lab websocket',
      'socket.io websocket',
    ]);
    for (const f of results.fanOut) expect(f.p99Ms).toBeGreaterThan(0);
    expect(results.requestRate.map((r) => r.variant)).toEqual([
      'observer-off',
      'observer-on',
      'bare',
    ]);
    for (const r of results.requestRate) expect(r.requestsPerSecond).toBeGreaterThan(0);
    expect(results.throughput.map((t) => t.subject)).toEqual(['lab', 'bare-ws', 'socket.io']);
    // The Scaling lab: the one-gateway baseline and the crossings, each to all 50 receivers.
    const crossGateway = results.crossGateway ?? [];
    expect(crossGateway.map((f) => f.broker)).toEqual(
      withRedis ? ['none', 'memory', 'redis'] : ['none', 'memory'],
    );
    for (const f of crossGateway) {
      expect(f).toMatchObject({ receivers: 50, publishes: 2, missing: 0 });
      expect(f.p99Ms).toBeGreaterThan(0);
    }
    expect(results.machine.cores).toBeGreaterThan(0);
    // Nothing of the harness broke (a section that stops says so in a note).
    const broke = / stopped: |did not start|did not stop|only \d+ of/;
    expect(results.notes.filter((n) => broke.test(n))).toEqual([]);
    expect(results.notes.some((n) => n.startsWith('Scaling lab across Redis: not measured'))).toBe(
      !withRedis,
    );
    expect(formatReport(results)).toContain('Throughput');

    // Everything closed: each server let go of its clients, each client process of its sockets,
    // every child process is gone, and this process holds no more sockets than before (the
    // Scaling server is audited once a topology, after its receivers closed and it stopped).
    expect(audit.serverSockets.length).toBeGreaterThanOrEqual(9);
    expect(audit.serverSockets.filter((s) => s.sockets > 0)).toEqual([]);
    expect(audit.clientSockets.filter((n) => n > 0)).toEqual([]);
    // 2 client processes, 8 servers and (with Redis) the bench's redis-server.
    expect(audit.pids).toHaveLength(withRedis ? 11 : 10);
    expect(audit.pids.filter(alive)).toEqual([]);
    for (let i = 0; i < 50 && tcpSockets() > socketsBefore; i += 1) await sleep(20);
    expect(tcpSockets()).toBe(socketsBefore);
  }, 90_000);
});
