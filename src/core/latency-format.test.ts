import { describe, expect, it } from 'vitest';
import { formatLatency, latencyCsvCell, readLatency } from './latency-format';

const page = { acrossClocks: false, uncertaintyMs: null };
const server = (uncertaintyMs: number | null) => ({ acrossClocks: true, uncertaintyMs });

describe('latencies honest about the clock', () => {
  it('leaves a latency timed on one clock as measured, however small', () => {
    expect(readLatency(0.4, page)).toEqual({ kind: 'measured', ms: 0.4 });
    expect(formatLatency(0.4, page)).toBe('0.4 ms');
    expect(formatLatency(12.4, page)).toBe('12 ms');
    // Even with a clock estimate about: Alice → Bob in one page never uses it.
    expect(formatLatency(2, { acrossClocks: false, uncertaintyMs: 15 })).toBe('2.0 ms');
    expect(latencyCsvCell(1.26, page)).toBe('1.3');
  });

  it('states a latency across clocks under 3× the uncertainty as at most the value plus it', () => {
    expect(readLatency(9.4, server(15))).toEqual({
      kind: 'at-most',
      ms: 24.4,
      uncertaintyMs: 15,
    });
    expect(formatLatency(9.4, server(15))).toBe('≤ 25 ms (clock ±15)');
    expect(formatLatency(44.9, server(15))).toBe('≤ 60 ms (clock ±15)');
    // At 3× it stands as measured.
    expect(formatLatency(45, server(15))).toBe('45 ms');
    expect(latencyCsvCell(9.4, server(15))).toBe('<=24.4');
    expect(latencyCsvCell(45, server(15))).toBe('45');
  });

  it('is never negative and never below the uncertainty', () => {
    expect(readLatency(-5.4, server(15))).toEqual({ kind: 'at-most', ms: 15, uncertaintyMs: 15 });
    expect(formatLatency(-5.4, server(15))).toBe('≤ 15 ms (clock ±15)');
    expect(formatLatency(-20, server(15))).toBe('≤ 15 ms (clock ±15)');
    expect(latencyCsvCell(-5.4, server(15))).toBe('<=15');
    expect(formatLatency(-0.1, server(0))).toBe('≤ 0.0 ms (clock ±0.0)');
  });

  it('rounds a bound up, never down', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in floating point: still 0.3, not 0.4.
    expect(formatLatency(0.1, server(0.2))).toBe('≤ 0.3 ms (clock ±0.2)');
    expect(formatLatency(0.44, server(0.72))).toBe('≤ 1.2 ms (clock ±0.8)');
    expect(formatLatency(0.44, server(0.72), 'whole')).toBe('≤ 2 ms (clock ±0.8)');
    expect(formatLatency(3, server(14.2), 'whole')).toBe('≤ 18 ms (clock ±15)');
  });

  it('says when the clock’s uncertainty is not known, keeping the figure at 0 or more', () => {
    expect(readLatency(-1.2, server(null))).toEqual({ kind: 'clock-unknown', ms: 0 });
    expect(formatLatency(-1.2, server(null), 'whole')).toBe('0 ms (clock ±?)');
    expect(formatLatency(9.1, server(null))).toBe('9.1 ms (clock ±?)');
    expect(latencyCsvCell(-1.2, server(null))).toBe('0');
  });

  it('has nothing to say without a figure', () => {
    expect(formatLatency(null, server(15))).toBe('—');
    expect(formatLatency(Number.NaN, page)).toBe('—');
    expect(latencyCsvCell(null, page)).toBe('');
  });
});
