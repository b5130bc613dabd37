import { describe, expect, it } from 'vitest';
import { LabError } from './errors';
import { checkKnob, KNOB_RANGES } from './knobs';
import { assertChannelName, isChannelName, parseMessageId } from './message';

describe('channel names', () => {
  it.each(['lobby', 'a', 'room-42', 'x'.repeat(64)])('accepts %s', (name) => {
    expect(isChannelName(name)).toBe(true);
  });
  it.each(['', 'Lobby', 'a b', 'a_b', 'x'.repeat(65), 'é', '../etc'])('refuses %j', (name) => {
    expect(isChannelName(name)).toBe(false);
    expect(() => assertChannelName(name)).toThrow(LabError);
  });
  it('says what was wrong, with a status and a code', () => {
    try {
      assertChannelName('Bad Name');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LabError);
      const labError = error as LabError;
      expect(labError.status).toBe(400);
      expect(labError.toBody()).toEqual({
        error: expect.stringContaining('"Bad Name"'),
        code: 'RL_ERR_BAD_CHANNEL',
      });
    }
  });
});

describe('parseMessageId', () => {
  it('reads whole numbers and treats absence as undefined', () => {
    expect(parseMessageId('0', 'since')).toBe(0);
    expect(parseMessageId('42', 'since')).toBe(42);
    expect(parseMessageId(undefined, 'since')).toBeUndefined();
    expect(parseMessageId('', 'since')).toBeUndefined();
  });
  it.each(['abc', '-1', '1.5', '1e3', ' 1', '9'.repeat(16)])(
    'refuses %j naming the parameter',
    (raw) => {
      expect(() => parseMessageId(raw, 'since')).toThrow(/since must be a message id/);
    },
  );
});

describe('checkKnob', () => {
  it('accepts whole numbers in range and names the knob otherwise', () => {
    expect(checkKnob('Poll interval', 2000, KNOB_RANGES.pollInterval)).toBeNull();
    expect(checkKnob('Poll interval', 50, KNOB_RANGES.pollInterval)).toBe(
      'Poll interval must be between 100 and 60000 ms',
    );
    expect(checkKnob('Timeout', 1.5, KNOB_RANGES.timeout)).toBe(
      'Timeout must be a whole number of ms',
    );
    expect(checkKnob('Timeout', Number.NaN, KNOB_RANGES.timeout)).toBe(
      'Timeout must be a whole number of ms',
    );
    expect(checkKnob('Heartbeat', 250, KNOB_RANGES.heartbeat)).toBeNull();
  });
});
