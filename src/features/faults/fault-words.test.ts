import { describe, expect, it } from 'vitest';
import { DEFAULT_KNOBS } from '../../core';
import { faultSentences, halfOpenHint, localTime, REBOOT_SHOWN_MS } from './fault-words';
import type { FaultState } from './faults-api';

const T = Date.UTC(2026, 11, 1, 14, 3, 12);
const calm: FaultState = {
  latencyMs: { up: 0, down: 0 },
  blockWebSockets: false,
  restartingUntil: null,
  lastRestart: null,
};
const words = (state: Partial<FaultState>, now = T, offsetMs = 0) =>
  faultSentences({ state: { ...calm, ...state }, last: null, now, offsetMs, timeZone: 'UTC' });

describe('faults in plain words', () => {
  it('tells a reboot with local times and its down time, never the raw timestamp', () => {
    const lastRestart = { at: T, downForMs: 3_000 };
    expect(words({ lastRestart, restartingUntil: T + 3_000 }, T + 1_000)).toEqual([
      'Server rebooting: down since 14:03:12 for 3 s, back at 14:03:15.',
    ]);
    expect(words({ lastRestart, restartingUntil: null }, T + 4_000)).toEqual([
      'Server rebooted at 14:03:12, down for 3 s.',
    ]);
    // The server's clock runs 2 s ahead of the page's: its times are moved onto the page's.
    expect(words({ lastRestart, restartingUntil: null }, T + 10_000, 2_000)).toEqual([
      'Server rebooted at 14:03:10, down for 3 s.',
    ]);
    expect(words({ lastRestart: { at: T, downForMs: 0 } })).toEqual([
      'Server rebooted at 14:03:12, with no down time.',
    ]);
    // Ten minutes after it ended, an old reboot is no news.
    expect(words({ lastRestart }, T + 3_000 + REBOOT_SHOWN_MS - 1)[0]).toMatch(/^Server rebooted/);
    expect(words({ lastRestart }, T + 3_000 + REBOOT_SHOWN_MS)).toEqual(['No fault in force.']);
    for (const line of words({ lastRestart, restartingUntil: T + 3_000 }, T)) {
      expect(line).not.toMatch(/restart|Z\b|\d{4}-\d\d-\d\dT/);
    }
  });

  it('tells added latency (slow motion), blocked WebSockets and this page’s last drop or silence', () => {
    expect(words({ latencyMs: { up: 500, down: 500 } })).toEqual([
      'Added latency: 500 ms each way. Every request waits 500 ms before it is handled, every answer 500 ms before it leaves.',
    ]);
    expect(words({ latencyMs: { up: 1_500, down: 0 } })).toEqual([
      'Added latency: every request waits 1.5 s before it is handled, every answer 0 ms before it leaves.',
    ]);
    expect(words({ blockWebSockets: true })[0]).toMatch(/^WebSockets blocked: /);
    const dropped = faultSentences({
      state: calm,
      last: { state: calm, request: { drop: true }, at: T },
      now: T,
      offsetMs: 0,
      timeZone: 'UTC',
    });
    expect(dropped).toEqual(['Every open connection was dropped at 14:03:12.']);
    expect(words({})).toEqual(['No fault in force.']);
  });

  it('says a local time in 24-hour form', () => {
    expect(localTime(T, 'UTC')).toBe('14:03:12');
    expect(localTime(Date.UTC(2026, 0, 1, 0, 0, 5), 'UTC')).toBe('00:00:05');
  });

  it('hints how long a silent connection takes to notice, and how to make it seconds', () => {
    expect(halfOpenHint(DEFAULT_KNOBS, 'e')).toBe(
      'Half-open is noticed after 2.5 heartbeats without a sign of life: now 37.5 s (Server-Sent Events), 1 min 15 s (WebSocket). Demo heartbeats (key e): about 5 s.',
    );
    expect(
      halfOpenHint({ ...DEFAULT_KNOBS, sseHeartbeatMs: 2_000, wsHeartbeatMs: 2_000 }, 'e'),
    ).toBe(
      'Half-open is noticed after 2.5 heartbeats without a sign of life: now 5 s (Server-Sent Events), 5 s (WebSocket).',
    );
  });
});
