import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import {
  parseTraceFile,
  segmentEvent,
  type RunSetup,
  type TraceEvent,
  DEFAULT_KNOBS,
} from '../../core';
import { initialLabState, type LabState } from '../../store/lab-store';
import { knobsOf, ReplaySetup } from './replay-setup';

const fixture = (name: string): TraceEvent[] =>
  parseTraceFile(
    JSON.parse(
      readFileSync(join(import.meta.dirname, '../../../e2e/fixtures', `${name}.json`), 'utf8'),
    ) as unknown,
  ).events;

function setup() {
  const lab = createStore<LabState>(() => ({
    ...initialLabState(''),
    technique: 'short-poll',
    receivers: ['bob', 'carol'],
    knobs: { ...DEFAULT_KNOBS, pollIntervalMs: 500 },
    preset: 'chat',
    clock: { offsetMs: 1, uncertaintyMs: 0.5, samples: 5 },
  }));
  const stopLive = vi.fn();
  return { lab, stopLive, replay: new ReplaySetup(lab, stopLive) };
}

const run = (overrides: Partial<RunSetup>): RunSetup => ({
  technique: 'long-poll',
  sender: 'alice',
  receivers: ['bob'],
  knobs: {},
  preset: null,
  serverSource: null,
  reason: 'start',
  ...overrides,
});

describe('a replay takes on the recording', () => {
  it('shows an older recording’s technique and participants, and gives the page’s back', () => {
    const { lab, stopLive, replay } = setup();
    const before = lab.getState();
    replay.enter(fixture('long-poll'));
    expect(stopLive).toHaveBeenCalledOnce();
    expect(lab.getState()).toMatchObject({
      replaying: true,
      technique: 'long-poll',
      sender: 'alice',
      receivers: ['bob'],
      preset: null,
      clock: null,
    });
    expect(lab.getState().knobs).toEqual({ ...DEFAULT_KNOBS, longPollTimeoutMs: 30000 });
    replay.leave();
    expect(lab.getState()).toMatchObject({
      replaying: false,
      technique: 'short-poll',
      receivers: ['bob', 'carol'],
      preset: 'chat',
      knobs: before.knobs,
      clock: before.clock,
    });
  });

  it('follows the recorded runs as the replay moves, with their knobs, preset and clock', () => {
    const { lab, replay } = setup();
    const events = [
      segmentEvent(
        run({
          technique: 'sse',
          receivers: ['bob', 'carol', 'dave'],
          knobs: { sseHeartbeatMs: 2000, pollIntervalMs: 5 },
          preset: 'stock-ticker',
          serverSource: { ratePerSecond: 4, from: 'ticker', type: 'tick' },
        }),
        0,
        's1',
      ),
      segmentEvent(run({ technique: 'websocket', reason: 'switch' }), 10, 's2'),
    ].map((e, seq) => ({ ...e, seq }));
    replay.enter(events, { offsetMs: -2, uncertaintyMs: 14 });
    expect(lab.getState()).toMatchObject({
      technique: 'sse',
      receivers: ['bob', 'carol', 'dave'],
      preset: 'stock-ticker',
      serverSource: { ratePerSecond: 4, from: 'ticker', type: 'tick' },
      clock: { offsetMs: -2, uncertaintyMs: 14, samples: 0 },
    });
    // A poll interval of 5 ms is out of range: left at the default.
    expect(lab.getState().knobs).toMatchObject({ sseHeartbeatMs: 2000, pollIntervalMs: 2000 });
    replay.follow(2);
    expect(lab.getState()).toMatchObject({ technique: 'websocket', receivers: ['bob'] });
    replay.follow(1);
    expect(lab.getState().technique).toBe('sse');
    // A second recording while replaying: the page's own set-up is still the one kept.
    replay.enter(fixture('websocket'));
    replay.leave();
    expect(lab.getState()).toMatchObject({ technique: 'short-poll', preset: 'chat' });
    // Leaving twice, or following after, changes nothing.
    replay.leave();
    replay.follow(1);
    expect(lab.getState().technique).toBe('short-poll');
  });

  it('names an unknown preset as none and keeps the defaults for knobs it cannot use', () => {
    expect(knobsOf(run({ knobs: { backoffJitter: false, wsHeartbeatMs: 'x' as never } }))).toEqual({
      ...DEFAULT_KNOBS,
      backoffJitter: false,
    });
    const { lab, replay } = setup();
    replay.enter(
      [segmentEvent(run({ preset: 'no-such-preset' }), 0, 's')].map((e) => ({ ...e, seq: 0 })),
    );
    expect(lab.getState().preset).toBeNull();
  });
});
