import { describe, expect, it } from 'vitest';
import {
  agrees,
  estimateClockOffset,
  longPollModel,
  modelledCost,
  projectScale,
  pollingLoad,
  shortPollModel,
  webSocketFramingModel,
} from './models';

describe('shortPollModel', () => {
  it('expects half a period of waiting and mostly empty polls when messages are rare', () => {
    const model = shortPollModel(2000, 0.1, 0);
    expect(model.requestsPerSecond).toBe(0.5);
    expect(model.meanLatencyMs).toBe(1000);
    expect(model.emptyShare).toBeCloseTo(Math.exp(-0.2), 10);
    expect(shortPollModel(1000, 0, 10).emptyShare).toBe(1);
    expect(shortPollModel(990, 1, 10)).toMatchObject({ requestsPerSecond: 1, meanLatencyMs: 510 });
  });
});

describe('longPollModel', () => {
  it('expects about one request per message when messages beat the timeout', () => {
    const busy = longPollModel(30_000, 2);
    expect(busy.timeoutShare).toBeLessThan(1e-20);
    expect(busy.requestsPerMessage).toBeCloseTo(1, 10);
    expect(busy.requestsPerSecond).toBeCloseTo(2, 6);
    expect(busy.heldConnectionsPerClient).toBe(1);
  });
  it('expects one request per timeout when nothing happens', () => {
    const idle = longPollModel(30_000, 0);
    expect(idle.timeoutShare).toBe(1);
    expect(idle.requestsPerSecond).toBeCloseTo(1 / 30, 10);
    expect(idle.requestsPerMessage).toBe(Infinity);
  });
});

describe('webSocketFramingModel and pollingLoad', () => {
  it('costs 2–14 bytes of framing a message', () => {
    expect(webSocketFramingModel(100)).toEqual({
      downHeaderBytes: 2,
      upHeaderBytes: 6,
      connectionsPerClient: 1,
    });
    expect(webSocketFramingModel(70_000)).toMatchObject({ downHeaderBytes: 10, upHeaderBytes: 14 });
  });
  it('gives the textbook figure: a million users polling every 2 s make 500,000 requests a second', () => {
    expect(pollingLoad(1_000_000, 2000)).toBe(500_000);
  });
  it('checks agreement within a relative tolerance', () => {
    expect(agrees(1100, 1000, 0.15)).toBe(true);
    expect(agrees(1200, 1000, 0.15)).toBe(false);
    expect(agrees(0.01, 0, 0.05)).toBe(true);
  });
});

describe('estimateClockOffset', () => {
  it('trusts the exchange with the shortest round trip', () => {
    const estimate = estimateClockOffset([
      { t0: 0, serverTime: 5060, t1: 40 }, // slow trip, skewed answer
      { t0: 100, serverTime: 5102, t1: 104 },
      { t0: 200, serverTime: 5210, t1: 210 },
    ]);
    expect(estimate).toEqual({ offsetMs: 5000, uncertaintyMs: 2 });
    expect(estimateClockOffset([])).toBeNull();
    expect(estimateClockOffset([{ t0: 10, serverTime: 0, t1: 5 }])).toBeNull();
  });
});

describe('projectScale and modelledCost', () => {
  it('reproduces the textbook: a million users short polling every 2 s', () => {
    const cost = modelledCost(
      'short-poll',
      { pollIntervalMs: 2000, longPollTimeoutMs: 30_000 },
      0.1,
      500,
      0,
    );
    expect(projectScale(cost, 1_000_000)).toEqual({
      requestsPerSecond: 500_000,
      megabitsPerSecond: 2000,
      openConnections: 0,
    });
  });
  it('holds one connection per user for the pushing techniques', () => {
    const sse = modelledCost(
      'sse',
      { pollIntervalMs: 2000, longPollTimeoutMs: 30_000 },
      2,
      500,
      150,
    );
    expect(projectScale(sse, 10_000)).toEqual({
      requestsPerSecond: 0,
      megabitsPerSecond: 24,
      openConnections: 10_000,
    });
    const idleLongPoll = modelledCost(
      'long-poll',
      { pollIntervalMs: 2000, longPollTimeoutMs: 30_000 },
      0,
      600,
      0,
    );
    expect(projectScale(idleLongPoll, 30_000).requestsPerSecond).toBeCloseTo(1000, 6);
  });
});
