import { describe, expect, it } from 'vitest';
import {
  compareCsv,
  compareMarkdown,
  compareRow,
  formatCell,
  overheadPerDelivery,
} from './compare';
import { computeStats } from './stats';
import { buildTrace } from './trace-builder';

describe('the head-to-head table', () => {
  it('derives each cell from the measured stats: bytes and overhead per delivered message', () => {
    const stats = {
      ...computeStats([]),
      requests: 10,
      pollResponses: 8,
      empty: 6,
      wastedShare: 0.75,
      delivered: 4,
      messageBytes: 400,
      bytesUp: { header: 1000, payload: 0 },
      bytesDown: { header: 1200, payload: 800 },
      latency: { count: 4, p50: 480, p95: 990, max: 990, mean: 500 },
      openConnections: 1,
      maxOpenConnections: 2,
      reconnects: 1,
    };
    expect(compareRow('short-poll', stats)).toEqual({
      technique: 'short-poll',
      requests: 10,
      emptyShare: 0.75,
      delivered: 4,
      bytesPerDelivery: 750,
      overheadPerDelivery: 650,
      latencyP50: 480,
      latencyP95: 990,
      latencyMax: 990,
      openConnections: 1,
      peakConnections: 2,
      reconnects: 1,
    });
    const none = compareRow('websocket', computeStats([]));
    expect(none.emptyShare).toBeNull();
    expect(none.bytesPerDelivery).toBeNull();
    expect(none.overheadPerDelivery).toBeNull();
    // A trace recorded before messages' own bytes were kept: overhead unknown, not "everything".
    expect(overheadPerDelivery({ ...stats, messageBytes: 0 })).toBeNull();
  });

  it('counts a delivered message’s own bytes once per receiver, whatever carried it', () => {
    const events = buildTrace(
      {},
      {
        kind: 'deliver',
        t: 10,
        actor: 'bob',
        messageIds: [1],
        details: { messageBytes: 90 },
      },
      {
        kind: 'deliver',
        t: 11,
        actor: 'carol',
        messageIds: [1],
        details: { messageBytes: 90 },
      },
      // A second copy is a duplicate: not delivered again, its bytes are overhead.
      {
        kind: 'deliver',
        t: 12,
        actor: 'bob',
        messageIds: [1],
        details: { messageBytes: 90, duplicate: true },
      },
    );
    expect(computeStats(events)).toMatchObject({ delivered: 2, messageBytes: 180, duplicates: 1 });
  });

  it('exports CSV (plain numbers, empty cells) and Markdown (units, dashes) in technique order', () => {
    const base = computeStats([]);
    const rows = [
      compareRow('websocket', {
        ...base,
        requests: 1,
        delivered: 2,
        messageBytes: 100,
        bytesDown: { header: 129, payload: 150 },
        bytesUp: { header: 300, payload: 0 },
        latency: { count: 2, p50: 1.26, p95: 2.04, max: 2.04, mean: 1.6 },
        maxOpenConnections: 1,
        openConnections: 1,
      }),
      compareRow('short-poll', {
        ...base,
        requests: 3,
        pollResponses: 3,
        empty: 2,
        wastedShare: 2 / 3,
      }),
    ];
    expect(compareCsv(rows)).toBe(
      'technique,requests,empty_share,delivered,bytes_per_delivered,overhead_bytes_per_delivered,' +
        'latency_p50_ms,latency_p95_ms,latency_max_ms,open_connections,peak_connections,reconnects\r\n' +
        'short-poll,3,0.667,0,,,,,,0,0,0\r\n' +
        'websocket,1,,2,289.5,239.5,1.3,2,2,1,1,0\r\n',
    );
    const markdown = compareMarkdown(rows, 'Compare run, seed 1');
    expect(markdown.split('\n')).toEqual([
      'Compare run, seed 1',
      '',
      '| Technique | Requests | Empty share | Delivered | Bytes / delivered msg | Overhead / delivered msg | Latency p50 | Latency p95 | Latency max | Open connections | Peak connections | Reconnects |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      '| Short polling | 3 | 67 % | 0 | — | — | — | — | — | 0 | 0 | 0 |',
      '| WebSocket | 1 | — | 2 | 290 B | 240 B | 1 ms | 2 ms | 2 ms | 1 | 1 | 0 |',
      '',
    ]);
    expect(formatCell(0.5, 'share')).toBe('50 %');
    // Under a millisecond the clock offset's uncertainty decides the sign: shown as such.
    expect(formatCell(0.4, 'ms')).toBe('< 1 ms');
    expect(formatCell(-0.6, 'ms')).toBe('< 1 ms');
    expect(formatCell(1.5, 'ms')).toBe('2 ms');
  });
});
