import { describe, expect, it } from 'vitest';
import type { LoadResults, MemoryFigure } from './load-results';
import {
  fanOutSeries,
  isLoadResults,
  memoryBasis,
  memoryRows,
  verdicts,
  wsProjection,
} from './load-view';

function memory(
  subject: MemoryFigure['subject'],
  technique: MemoryFigure['technique'],
  connections: number,
  rss: number,
): MemoryFigure {
  return {
    subject,
    technique,
    connections,
    rssPerConnection: rss,
    heapPerConnection: rss / 2,
    healthWithin100ms: true,
    healthMs: 3,
  };
}

const results: LoadResults = {
  format: 'realtime-lab-load',
  version: 1,
  measuredAt: '2026-12-03T12:00:00.000Z',
  machine: { cores: 2, memoryBytes: 24e9, node: 'v20.19.0', platform: 'linux', cpu: 'test' },
  durationMs: 60_000,
  memory: [
    memory('lab', 'websocket', 1000, 9000),
    memory('lab', 'websocket', 5000, 7900),
    memory('bare-ws', 'websocket', 5000, 4000),
    memory('socket.io', 'websocket', 5000, 12000),
    memory('lab', 'sse', 5000, 6000),
    memory('bare-fastify', 'sse', 5000, 5000),
  ],
  fanOut: [
    { subject: 'lab', technique: 'websocket', receivers: 2000, p50Ms: 40, p99Ms: 95, maxMs: 100 },
    { subject: 'lab', technique: 'websocket', receivers: 1000, p50Ms: 20, p99Ms: 50, maxMs: 60 },
    {
      subject: 'bare-ws',
      technique: 'websocket',
      receivers: 2000,
      p50Ms: 30,
      p99Ms: 58,
      maxMs: 70,
    },
  ],
  requestRate: [
    {
      subject: 'lab',
      variant: 'observer-off',
      connections: 50,
      requestsPerSecond: 10_000,
      latencyP99Ms: 9,
    },
    {
      subject: 'bare-fastify',
      variant: 'bare',
      connections: 50,
      requestsPerSecond: 16_000,
      latencyP99Ms: 5,
    },
  ],
  throughput: [],
  notes: [],
};

describe('what the load lesson shows', () => {
  it('recognises a load run and refuses anything else', () => {
    expect(isLoadResults(results)).toBe(true);
    expect(isLoadResults({ ...results, format: 'realtime-lab-trace' })).toBe(false);
    expect(isLoadResults({ ...results, memory: undefined })).toBe(false);
    expect(isLoadResults(null)).toBe(false);
  });

  it('reads a run with Scaling-lab figures, and older runs without them', () => {
    const crossGateway = [
      {
        broker: 'memory' as const,
        receivers: 1000,
        publishes: 5,
        p50Ms: 20,
        p99Ms: 40,
        maxMs: 41,
        lastP50Ms: 39,
        missing: 0,
      },
    ];
    expect(isLoadResults({ ...results, crossGateway })).toBe(true);
    expect('crossGateway' in results).toBe(false);
    expect(isLoadResults(results)).toBe(true);
    expect(isLoadResults({ ...results, crossGateway: 'none' })).toBe(false);
  });

  it('puts each technique’s lab figure at its largest N beside its baselines at the same N', () => {
    const rows = memoryRows(results);
    expect(rows.map((r) => r.technique)).toEqual(['websocket', 'sse']);
    const ws = rows[0]!;
    expect(ws.connections).toBe(5000);
    expect(ws.baselines.map((b) => b.subject)).toEqual(['bare-ws', 'socket.io']);
    expect(ws.ratio).toBeCloseTo(7900 / 4000);
    expect(rows[1]!.ratio).toBeCloseTo(6000 / 5000);
  });

  it('orders each fan-out series by receivers', () => {
    const lab = fanOutSeries(results).find((s) => s.subject === 'lab')!;
    expect(lab.points.map((p) => p.receivers)).toEqual([1000, 2000]);
  });

  it('says where the article holds, from the run’s own figures', () => {
    const said = verdicts(results);
    expect(said[0]).toBe(
      'An idle lab WebSocket held 7.9 KB of server memory at 5,000 connections: within the article’s 2–10 KB.',
    );
    // Half of 24 GB at 7.9 KB a connection.
    expect(wsProjection(results)!.connectionsPerServer).toBe(Math.floor(12e9 / 7900));
    expect(said[1]).toContain('the article’s 100K–1M a server is reachable in memory alone');
    expect(said[2]).toContain('would need 50 such servers');
  });

  it('reads the heap, not RSS, of a run whose largest N is under 5,000 (a live run’s 500)', () => {
    expect(memoryBasis(results)).toBe('rss');
    const small: LoadResults = {
      ...results,
      memory: [memory('lab', 'websocket', 500, 300), memory('bare-ws', 'websocket', 500, 900)],
    };
    expect(memoryBasis(small)).toBe('heap');
    // heapPerConnection is rss / 2 in these figures.
    expect(memoryRows(small)[0]!.ratio).toBeCloseTo(150 / 450);
    expect(verdicts(small)[0]).toBe(
      'An idle lab WebSocket held 0.1 KB of server heap at 500 connections: less than the article’s 2–10 KB.',
    );
    expect(wsProjection(small)!.bytesPerConnection).toBe(150);
  });
});
