/**
 * The load lab end to end, tiny: 50 clients per technique and a few seconds of each
 * section against real server processes, to prove the harness works and that everything
 * it opens is closed again. No figure is asserted: only that each section has them.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LoadConfig } from './config';
import { runLoadLab } from './harness';
import { sleep } from './pool';
import { alive } from './processes';
import { formatReport } from './table';

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
    expect(results.machine.cores).toBeGreaterThan(0);
    // Nothing of the harness broke (a section that stops says so in a note).
    expect(results.notes.filter((n) => / stopped: |did not start|only \d+ of/.test(n))).toEqual([]);
    expect(formatReport(results)).toContain('Throughput');

    // Everything closed: each server let go of its clients, each client process of its sockets,
    // every child process is gone, and this process holds no more sockets than before.
    expect(audit.serverSockets.length).toBeGreaterThanOrEqual(7);
    expect(audit.serverSockets.filter((s) => s.sockets > 0)).toEqual([]);
    expect(audit.clientSockets.filter((n) => n > 0)).toEqual([]);
    expect(audit.pids).toHaveLength(9);
    expect(audit.pids.filter(alive)).toEqual([]);
    for (let i = 0; i < 50 && tcpSockets() > socketsBefore; i += 1) await sleep(20);
    expect(tcpSockets()).toBe(socketsBefore);
  }, 60_000);
});
