import { describe, expect, it } from 'vitest';
import type { CrossGatewayFigure, LoadResults } from '../../src/core/load-results';
import { columns, formatReport, kb, resultsFileName, times } from './table';

const results: LoadResults = {
  format: 'realtime-lab-load',
  version: 1,
  measuredAt: '2026-05-01T12:30:00.123Z',
  machine: {
    cores: 2,
    memoryBytes: 24 * 2 ** 30,
    node: 'v20.20.2',
    platform: 'linux x64',
    cpu: 'Test CPU',
  },
  durationMs: 90_000,
  memory: [
    {
      subject: 'lab',
      technique: 'websocket',
      connections: 1_000,
      rssPerConnection: 7_900,
      heapPerConnection: 7_700,
      healthWithin100ms: true,
      healthMs: 3,
    },
    {
      subject: 'bare-ws',
      technique: 'websocket',
      connections: 1_000,
      rssPerConnection: 4_000,
      heapPerConnection: 2_600,
      healthWithin100ms: true,
      healthMs: 1,
    },
    {
      subject: 'lab',
      technique: 'sse',
      connections: 1_000,
      rssPerConnection: 9_000,
      heapPerConnection: 6_000,
      healthWithin100ms: false,
      healthMs: 150,
    },
  ],
  fanOut: [
    {
      subject: 'lab',
      technique: 'websocket',
      receivers: 1_000,
      p50Ms: 40,
      p99Ms: 96,
      maxMs: 100,
      lastP50Ms: 95,
      publishes: 5,
      missing: 0,
    },
    {
      subject: 'bare-ws',
      technique: 'websocket',
      receivers: 1_000,
      p50Ms: 20,
      p99Ms: 60,
      maxMs: 61,
      lastP50Ms: 58,
      publishes: 5,
      missing: 0,
    },
  ],
  requestRate: [
    {
      subject: 'lab',
      variant: 'observer-off',
      connections: 50,
      requestsPerSecond: 6_000,
      latencyP99Ms: 20,
      cpuMicrosPerRequest: 50,
    },
    {
      subject: 'lab',
      variant: 'observer-on',
      connections: 50,
      requestsPerSecond: 3_000,
      latencyP99Ms: 40,
    },
    {
      subject: 'bare-fastify',
      variant: 'bare',
      connections: 50,
      requestsPerSecond: 15_000,
      latencyP99Ms: 8,
      cpuMicrosPerRequest: 40,
    },
  ],
  throughput: [
    {
      subject: 'lab',
      receivers: 1_000,
      budgetMs: 100,
      messagesPerSecond: 150,
      p99Ms: 80,
      failedAtPerSecond: 200,
    },
    {
      subject: 'bare-ws',
      receivers: 1_000,
      budgetMs: 100,
      messagesPerSecond: 300,
      p99Ms: 70,
      failedAtPerSecond: 400,
    },
  ],
  notes: ['Something was not measured.'],
};

describe('formatReport', () => {
  const report = formatReport(results);
  const line = (start: RegExp): string => report.split('\n').find((l) => start.test(l)) ?? '';

  it('names the machine and every section', () => {
    expect(report).toContain('2 cores (Test CPU), 24.0 GiB, Node v20.20.2');
    for (const title of [
      'Server memory per idle connection',
      'Fan-out',
      'Short poll',
      'Throughput',
      'Scaling lab',
      'Notes:',
    ]) {
      expect(report).toContain(title);
    }
    expect(report).toContain('- Something was not measured.');
  });

  it('puts each lab figure beside its baseline with the ratio', () => {
    const ws = line(/^WebSocket\s+1,000\s+7\.90 KB.*bare ws/);
    expect(ws).toContain('4.00 KB');
    expect(ws).toContain('1.98×');
    expect(ws).toContain('2.96×');
    expect(line(/^WebSocket\s+1,000\s+40\.0.*bare ws/)).toContain('1.60×');
    expect(line(/^lab, observer off/)).toContain('0.40×');
    expect(line(/^lab, observer on/)).toContain('0.50×');
    // CPU per request: 50 µs against 40 µs is 0.80× the rate the CPU alone would allow;
    // a run before CPU was measured shows a dash.
    expect(line(/^lab, observer off/)).toMatch(/\b50\.0\s+0\.40×\s+0\.80×/);
    expect(line(/^lab, observer on/)).toMatch(/—\s+0\.20×\s+—\s+0\.50×/);
    expect(line(/^the lab\s+1,000\s+150/)).toContain('0.50×');
  });

  it('shows a missing baseline as a dash and a slow health answer plainly', () => {
    const sse = line(/^Server-Sent Events/);
    expect(sse).toContain('150.0 SLOW');
    expect(sse).toMatch(/bare Fastify\s+—\s+—\s+—\s+—\s+—/);
    expect(line(/^WebSocket\s+1,000\s+7\.90 KB.*Socket\.IO/)).toMatch(/Socket\.IO\s+—/);
  });
});

describe('the Scaling lab table', () => {
  const figure = (broker: CrossGatewayFigure['broker'], p50Ms: number, p99Ms: number) => ({
    broker,
    receivers: 1_000,
    publishes: 5,
    p50Ms,
    p99Ms,
    maxMs: p99Ms + 1,
    lastP50Ms: p99Ms,
    missing: 0,
  });
  const lines = (crossGateway: CrossGatewayFigure[]): string[] =>
    formatReport({ ...results, crossGateway }).split('\n');
  const row = (all: string[], start: string): string => all.find((l) => l.startsWith(start)) ?? '';

  it('puts each crossing beside the one-gateway baseline with the ratios', () => {
    const all = lines([figure('none', 10, 20), figure('memory', 12, 30), figure('redis', 25, 50)]);
    expect(row(all, 'one gateway')).toMatch(/1,000\s+10\.0\s+20\.0\s+21\.0\s+20\.0\s+—\s+—\s+0$/);
    expect(row(all, 'gateway-1 → memory broker')).toMatch(/\s1\.20×\s+1\.50×\s+0$/);
    expect(row(all, 'gateway-1 → Redis')).toMatch(/\s2\.50×\s+2\.50×\s+0$/);
  });

  it('shows a crossing that was not measured (no Redis) as dashes, never a figure', () => {
    const redis = row(
      lines([figure('none', 10, 20), figure('memory', 12, 30)]),
      'gateway-1 → Redis',
    );
    expect(redis).toMatch(/^gateway-1 → Redis → gateway-2(\s+—){8}$/);
  });

  it('says so for a run from before the Scaling lab was measured', () => {
    const report = formatReport(results);
    expect(report).toContain('Scaling lab:');
    expect(report).toContain('(not measured in this run)');
  });
});

describe('formatting', () => {
  it('pads columns, numbers to the right', () => {
    expect(
      columns(
        ['a', 'n'],
        [
          ['xy', '1'],
          ['z', '100'],
        ],
      ).split('\n'),
    ).toEqual(['a   n', '--  ---', 'xy    1', 'z   100']);
  });

  it('prints KB as thousands of bytes and ratios with two decimals', () => {
    expect(kb(7_900)).toBe('7.90 KB');
    expect(times(1.975)).toBe('1.98×');
    expect(times(Number.NaN)).toBe('—');
  });

  it('names the results file after the run, without colons or fractions of a second', () => {
    expect(resultsFileName('2026-05-01T12:30:00.123Z')).toBe('load-2026-05-01T12-30-00Z.json');
  });
});
