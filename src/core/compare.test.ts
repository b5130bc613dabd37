import { describe, expect, it } from 'vitest';
import {
  bytesPerDelivery,
  compareCsv,
  compareMarkdown,
  compareRow,
  formatCell,
  overheadPerDelivery,
  receiveCostPerDelivery,
  receiveOverheadPerDelivery,
  sendCostPerMessage,
} from './compare';
import { computeStats, type Stats } from './stats';
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
      // Compare mode: the server sends, so every byte is a receiver's.
      receiveBytes: {
        up: { header: 1000, payload: 0 },
        down: { header: 1200, payload: 800 },
      },
      latency: { count: 4, p50: 480, p95: 990, max: 990, mean: 500, acrossClocks: 4 },
      openConnections: 1,
      maxOpenConnections: 2,
      reconnects: 1,
    };
    expect(compareRow('short-poll', stats, 14.2)).toEqual({
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
      latencyAcrossClocks: true,
      clockUncertaintyMs: 14.2,
    });
    const none = compareRow('websocket', computeStats([]), 14.2);
    expect(none.clockUncertaintyMs).toBeNull();
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
        receiveBytes: { down: { header: 129, payload: 150 }, up: { header: 300, payload: 0 } },
        latency: { count: 2, p50: 1.26, p95: 2.04, max: 2.04, mean: 1.6, acrossClocks: 0 },
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
        'latency_p50_ms,latency_p95_ms,latency_max_ms,open_connections,peak_connections,reconnects,' +
        'latency_clock,clock_uncertainty_ms\r\n' +
        'short-poll,3,0.667,0,,,,,,0,0,0,,\r\n' +
        'websocket,1,,2,289.5,239.5,1.3,2,2,1,1,0,page,\r\n',
    );
    const markdown = compareMarkdown(rows, 'Compare run, seed 1');
    expect(markdown.split('\n')).toEqual([
      'Compare run, seed 1',
      '',
      '| Technique | Requests | Empty share | Delivered | Receiving cost / msg | Receiving overhead / msg | Latency p50 | Latency p95 | Latency max | Open connections | Peak connections | Reconnects |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      '| Short polling | 3 | 67 % | 0 | — | — | — | — | — | 0 | 0 | 0 |',
      '| WebSocket | 1 | — | 2 | 290 B | 240 B | 1 ms | 2 ms | 2 ms | 1 | 1 | 0 |',
      '',
    ]);
    expect(formatCell(0.5, 'share')).toBe('50 %');
    // On one clock a latency is what it is, however small.
    expect(formatCell(0.4, 'ms')).toBe('0 ms');
    expect(formatCell(1.5, 'ms')).toBe('2 ms');
  });

  it('bounds latencies timed across clocks near the clock’s uncertainty, in the table, CSV and Markdown', () => {
    const base = computeStats([]);
    const served = (p50: number, p95: number, max: number): Stats => ({
      ...base,
      delivered: 12,
      latency: { count: 12, p50, p95, max, mean: p50, acrossClocks: 12 },
    });
    // ±15 ms: p50 −5.4 ms and p95 9.4 ms say no more than "at most 15" and "at most 25";
    // 120 ms is over 3 × 15 and stands as measured.
    const sse = compareRow('sse', served(-5.4, 9.4, 120), 14.6);
    expect(formatCell(sse.latencyP50, 'ms', { acrossClocks: true, uncertaintyMs: 14.6 })).toBe(
      '≤ 15 ms (clock ±15)',
    );
    const csv = compareCsv([sse]).split('\r\n')[1]!.split(',');
    expect(csv.slice(6, 9)).toEqual(['<=14.6', '<=24', '120']);
    expect(csv.slice(-2)).toEqual(['server', '14.6']);
    expect(csv.join(',')).not.toMatch(/,-/);
    expect(compareMarkdown([sse])).toContain(
      '| ≤ 15 ms (clock ±15) | ≤ 24 ms (clock ±15) | 120 ms |',
    );
    // A recording without the clock's estimate: never below 0, the ± unknown.
    const unknown = compareRow('websocket', served(-1.2, 9.1, 9.1), null);
    expect(compareMarkdown([unknown])).toContain('| 0 ms (clock ±?) | 9 ms (clock ±?) |');
    expect(compareCsv([unknown]).split('\r\n')[1]!.split(',').slice(6, 9)).toEqual([
      '0',
      '9.1',
      '9.1',
    ]);
  });
});

describe('receiving and sending cost', () => {
  it('splits the bytes by whose connection carried them', () => {
    // SSE at 1 message: Bob's stream costs 173 B, Alice's POST and its 201 980 B.
    const stats: Stats = {
      ...computeStats([]),
      delivered: 1,
      published: 1,
      messageBytes: 150,
      bytesUp: { header: 673, payload: 63 },
      bytesDown: { header: 182, payload: 235 },
      receiveBytes: { up: { header: 0, payload: 0 }, down: { header: 6, payload: 167 } },
      sendBytes: { up: { header: 673, payload: 63 }, down: { header: 176, payload: 68 } },
    };
    expect(receiveCostPerDelivery(stats)).toBe(173);
    expect(receiveOverheadPerDelivery(stats)).toBe(23);
    expect(sendCostPerMessage(stats)).toBe(980);
    // The old figure adds the sender's uploads in.
    expect(bytesPerDelivery(stats)).toBe(1153);
    const idle = computeStats([]);
    expect(receiveCostPerDelivery(idle)).toBeNull();
    expect(sendCostPerMessage(idle)).toBeNull();
    expect(receiveOverheadPerDelivery({ ...stats, messageBytes: 0 })).toBeNull();
  });
});
