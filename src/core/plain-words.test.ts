import { describe, expect, it } from 'vitest';
import { countOf, formatDuration } from './plain-words';

describe('plain words', () => {
  it('says a duration in the unit a person would use', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(499.6)).toBe('500 ms');
    expect(formatDuration(1_000)).toBe('1 s');
    expect(formatDuration(2_460)).toBe('2.5 s');
    expect(formatDuration(3_000)).toBe('3 s');
    expect(formatDuration(59_940)).toBe('59.9 s');
    expect(formatDuration(60_000)).toBe('1 min');
    expect(formatDuration(65_400)).toBe('1 min 5 s');
    expect(formatDuration(Number.NaN)).toBe('an unknown time');
  });

  it('counts with the noun', () => {
    expect(countOf(0, 'connection')).toBe('no connection');
    expect(countOf(1, 'connection')).toBe('1 connection');
    expect(countOf(3, 'connection')).toBe('3 connections');
  });
});
