import { describe, expect, it } from 'vitest';
import { initialLabState } from '../../store/lab-store';
import { presetLink, readSetup, writeSetup } from './url-state';

describe('the set-up in the URL', () => {
  it('writes only what differs from a fresh page, and reads it back', () => {
    const base = initialLabState('');
    const changed = {
      ...base,
      technique: 'sse' as const,
      receivers: ['bob', 'carol', 'dave'],
      autoRate: 3,
      autoSeed: 42,
      knobs: { ...base.knobs, sseRetryMs: 1500, backoffJitter: false },
    };
    const query = writeSetup(changed, 'playground', {
      latencyMs: { up: 200, down: 0 },
      blockWebSockets: true,
    });
    expect(query).toBe(
      '?technique=sse&receivers=3&rate=3&seed=42&sseRetryMs=1500&jitter=0&latencyUp=200&blockWebSockets=1',
    );
    const read = readSetup(query, base);
    expect(read.problems).toEqual([]);
    expect(read.run).toBe(false);
    expect({ ...base, ...read.state }).toEqual(changed);
    expect(read.faults).toEqual({ latencyMs: { up: 200 }, blockWebSockets: true });
    expect(writeSetup(base, 'compare', null)).toBe('?view=compare&technique=short-poll');
  });

  it('a preset sets everything it names and runs; later values override it', () => {
    const base = initialLabState('');
    const read = readSetup(
      '?preset=stock-ticker&receivers=1&sseHeartbeatMs=5000&serverRate=2.5',
      base,
    );
    expect(read.run).toBe(true);
    expect(read.state).toMatchObject({
      preset: 'stock-ticker',
      technique: 'sse',
      receivers: ['bob'],
      autoRate: 0,
      serverSource: { ratePerSecond: 2.5, from: 'ticker', type: 'tick' },
    });
    expect(read.state.knobs?.sseHeartbeatMs).toBe(5000);
  });

  it('explains every value it cannot use and leaves it alone', () => {
    const base = initialLabState('');
    const read = readSetup(
      '?preset=rocket&technique=carrier-pigeon&receivers=99&pollIntervalMs=5&pattern=bursty&seed=-1',
      base,
    );
    expect(read.state).toEqual({});
    expect(read.run).toBe(false);
    expect(read.problems).toHaveLength(6);
    expect(read.problems.join(' ')).toMatch(/no known preset \("rocket"\)/);
    expect(read.problems.join(' ')).toMatch(/pollIntervalMs must be between 100 and 60000/);
  });

  it('a preset resets everything it does not set, whatever the set-up before it', () => {
    const fresh = initialLabState('');
    const before = {
      ...fresh,
      technique: 'websocket' as const,
      receivers: ['bob', 'carol', 'dave', 'erin'],
      autoRate: 7,
      autoPattern: 'steady' as const,
      autoSeed: 99,
      knobs: { ...fresh.knobs, wsHeartbeatMs: 2000, backoffJitter: false, pollIntervalMs: 500 },
      serverSource: { ratePerSecond: 9, from: 'scores', type: 'score' },
    };
    const read = readSetup('?preset=notifications', before);
    expect({ ...before, ...read.state }).toEqual({
      ...fresh,
      preset: 'notifications',
      technique: 'long-poll',
      receivers: ['bob'],
      serverSource: { ratePerSecond: 0.2, from: 'mail', type: 'notification' },
      knobs: { ...fresh.knobs, ...read.state.knobs },
    });
    // Only the preset's own knobs differ from the defaults.
    expect(read.state.knobs).toEqual({ ...fresh.knobs, longPollTimeoutMs: 30000 });
  });

  it('a preset link (and the n shortcut) keeps only the channel', () => {
    expect(presetLink('notifications', 'lobby')).toBe('?preset=notifications');
    expect(presetLink('chat', 'class-2')).toBe('?channel=class-2&preset=chat');
    // From a page set up for WebSocket, the link carries nothing of it: the preset's own technique runs.
    const read = readSetup(presetLink('notifications', 'lobby'), {
      ...initialLabState('?technique=websocket'),
      technique: 'websocket',
    });
    expect(read.state.technique).toBe('long-poll');
  });
});
