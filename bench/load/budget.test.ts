import { describe, expect, it } from 'vitest';
import {
  STEP_COSTS,
  fits,
  heldEstimateMs,
  rateEstimateMs,
  skippedNote,
  throughputEstimateMs,
} from './budget';
import { DEFAULT_CONFIG, liveConfig } from './config';
import { planSteps } from './harness';

describe('a bounded run’s estimates', () => {
  const live = liveConfig(500);

  it('costs a held subject by its largest N and its publishes', () => {
    expect(heldEstimateMs(live, false)).toBe(
      STEP_COSTS.heldFixedMs + 500 * STEP_COSTS.perConnectionMs,
    );
    expect(heldEstimateMs(live, true) - heldEstimateMs(live, false)).toBe(STEP_COSTS.perPublishMs);
    // The bench's three N: 10,000 connections opened, 5 publishes at each N.
    expect(heldEstimateMs(DEFAULT_CONFIG, true)).toBe(
      STEP_COSTS.heldFixedMs + 10_000 * STEP_COSTS.perConnectionMs + 15 * STEP_COSTS.perPublishMs,
    );
  });

  it('costs the rates by their seconds, and a throughput search by its rates', () => {
    expect(rateEstimateMs(live, 2)).toBe(2 * (1_000 + STEP_COSTS.perRateRunMs));
    // The bench warms each server up for a second first.
    expect(rateEstimateMs(DEFAULT_CONFIG, 1)).toBe(2 * STEP_COSTS.perRateRunMs + 6_000);
    expect(throughputEstimateMs(live)).toBe(
      STEP_COSTS.throughputFixedMs +
        500 * STEP_COSTS.perConnectionMs +
        4 * (250 + STEP_COSTS.perThroughputStepMs),
    );
  });

  it('fits a step only when it ends by the deadline, and says what it skipped', () => {
    expect(fits(1_000, 2_000, 3_000)).toBe(true);
    expect(fits(1_001, 2_000, 3_000)).toBe(false);
    expect(skippedNote('Throughput, the lab', 3_950, 1_240)).toBe(
      "Not measured, to end within the run's time: Throughput, the lab (about 4.0 s, 1.2 s left).",
    );
    expect(skippedNote('x', 1_000, -5)).toContain('0.0 s left');
  });
});

describe('the steps of a run', () => {
  it('keeps the bench’s order when unbounded', () => {
    const labels = planSteps(DEFAULT_CONFIG, ['websocket', 'sse', 'long-poll'], false).map(
      (s) => s.label,
    );
    expect(labels).toHaveLength(13);
    expect(labels.slice(0, 3)).toEqual([
      'WebSocket, the lab: 1,000 / 5,000 / 10,000 idle connections, health, fan-out',
      'WebSocket, bare ws: 1,000 / 5,000 / 10,000 idle connections, health, fan-out',
      'WebSocket, Socket.IO: 1,000 / 5,000 / 10,000 idle connections, health, fan-out',
    ]);
    expect(labels.slice(-2)).toEqual([
      'Throughput, Socket.IO: messages a second to 1,000 WebSocket receivers',
      'Scaling lab: one publish to 1,000 WebSocket receivers across gateways',
    ]);
  });

  it('puts each technique’s lab and own baseline first when bounded, throughput and the Scaling lab last', () => {
    const labels = planSteps(liveConfig(20), ['websocket', 'sse', 'long-poll'], true).map(
      (s) => s.label.split(':')[0],
    );
    expect(labels).toEqual([
      'WebSocket, the lab',
      'WebSocket, bare ws',
      'Server-Sent Events, the lab',
      'Server-Sent Events, bare Fastify',
      'Long polling, the lab',
      'Long polling, bare Fastify',
      'Short polling, the lab',
      'Short polling, bare Fastify',
      'WebSocket, Socket.IO',
      'Throughput, the lab',
      'Throughput, bare ws',
      'Throughput, Socket.IO',
      'Scaling lab',
    ]);
  });
});
