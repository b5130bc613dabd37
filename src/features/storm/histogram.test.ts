import { describe, expect, it } from 'vitest';
import { STORM_DEFAULTS, STORM_LIMITS, StormBody } from '../../../server/storm';
import {
  STORM_FIELDS,
  checkStormField,
  describeLag,
  describeRun,
  formatSeconds,
  initialStormSettings,
  layoutHistogram,
  type StormResult,
  type StormRun,
} from './histogram';

function run(jitter: boolean, arrivalsPer100ms: number[], extra: Partial<StormRun> = {}): StormRun {
  const peakPer100ms = Math.max(0, ...arrivalsPer100ms);
  const requests = arrivalsPer100ms.reduce((sum, n) => sum + n, 0);
  return {
    jitter,
    arrivalsPer100ms,
    peakPer100ms,
    peakAtMs: Math.max(0, arrivalsPer100ms.indexOf(peakPer100ms)) * 100,
    requests,
    refused: requests - 200,
    failed: 0,
    connected: 200,
    lastConnectedMs: 3050,
    maxAttempts: 2,
    durationMs: 3050,
    timedOut: false,
    lateMs: 4,
    ...extra,
  };
}

const RESULT: StormResult = {
  clients: 200,
  baseMs: 1000,
  capMs: 10_000,
  downForMs: 2000,
  seed: 1,
  binMs: 100,
  runLimitMs: 30_000,
  runs: [
    run(
      false,
      [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 200, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        150, 50,
      ],
    ),
    run(
      true,
      [
        20, 25, 33, 20, 18, 0, 30, 12, 9, 4, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
      ],
    ),
  ],
};

describe('the storm form', () => {
  it('uses the server’s ranges and defaults', () => {
    // The body schema's integer bounds (TypeBox keeps them on each property).
    const body = StormBody.properties as unknown as Record<
      string,
      { minimum: number; maximum: number }
    >;
    for (const field of ['clients', 'downForMs', 'baseMs', 'capMs'] as const) {
      expect(STORM_FIELDS[field].min, field).toBe(body[field]!.minimum);
      expect(STORM_FIELDS[field].max, field).toBe(body[field]!.maximum);
      expect(initialStormSettings()[field], field).toBe(STORM_DEFAULTS[field]);
    }
    expect(STORM_FIELDS.capMs.max).toBe(STORM_LIMITS.maxCapMs);
  });

  it('explains a refused value in a sentence', () => {
    expect(checkStormField('clients', 200)).toBeNull();
    expect(checkStormField('clients', 1000)).toBeNull();
    expect(checkStormField('clients', 199)).toBe(
      'Clients must be a whole number from 200 to 1000.',
    );
    expect(checkStormField('clients', Number.NaN)).toMatch(/^Clients must be/);
    expect(checkStormField('downForMs', 2.5)).toBe(
      'Down for (ms) must be a whole number from 0 to 10000.',
    );
    expect(checkStormField('capMs', 30_001)).toMatch(/^Cap \(ms\) must be a whole number from 100/);
  });
});

describe('layoutHistogram', () => {
  const layout = layoutHistogram(RESULT, { width: 664, height: 280 });

  it('draws one bar per non-empty bin of each run, side by side', () => {
    const plain = layout.bars.filter((bar) => bar.series === 'nojitter');
    const jittered = layout.bars.filter((bar) => bar.series === 'jitter');
    expect(plain.map((bar) => bar.startMs)).toEqual([1000, 3000, 3100]);
    expect(jittered).toHaveLength(12);
    // 41 bins over the 600 px between the margins: 600 / 41 px a bin, half for each run.
    const slot = 600 / 41;
    const at1s = plain[0]!;
    expect(at1s.x).toBeCloseTo(52 + 10 * slot, 6);
    expect(at1s.width).toBeCloseTo(slot / 2 - 1, 6);
    const jitterAt0 = jittered[0]!;
    expect(jitterAt0.x).toBeCloseTo(52 + slot / 2, 6);
    // Heights share one count axis from 0, the bottom of the plot.
    expect(at1s.y).toBe(layout.plot.top);
    expect(at1s.y + at1s.height).toBe(layout.plot.bottom);
    expect(jitterAt0.height / at1s.height).toBeCloseTo(20 / 200, 6);
  });

  it('marks each run’s busiest 100 ms with a bracket at its count', () => {
    expect(
      layout.peaks.map(({ series, count, startMs, label }) => ({ series, count, startMs, label })),
    ).toEqual([
      { series: 'nojitter', count: 200, startMs: 1000, label: 'peak 200' },
      { series: 'jitter', count: 33, startMs: 200, label: 'peak 33' },
    ]);
    const slot = 600 / 41;
    const [plain, jittered] = layout.peaks;
    expect(plain!.x1).toBeCloseTo(52 + 10 * slot, 6);
    expect(plain!.x2).toBeCloseTo(52 + 11 * slot, 6);
    expect(plain!.y).toBe(layout.plot.top);
    const bar = layout.bars.find((b) => b.series === 'jitter' && b.startMs === 200)!;
    expect(jittered!.y).toBe(bar.y);
  });

  it('puts a window that straddles two bins above both', () => {
    // 60 requests within 100 ms from 1.05 s: 30 in each of two bins.
    const straddling = run(false, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 30, 30], {
      peakPer100ms: 60,
      peakAtMs: 1050,
    });
    const wide = layoutHistogram(
      { ...RESULT, runs: [straddling, RESULT.runs[1]!] },
      { width: 664, height: 280 },
    );
    const peak = wide.peaks[0]!;
    const slot = 600 / 41;
    expect(peak.x1).toBeCloseTo(52 + 10.5 * slot, 6);
    expect(peak.y).toBeLessThan(
      Math.min(...wide.bars.filter((b) => b.series === 'nojitter').map((b) => b.y)),
    );
  });

  it('labels time in seconds and counts in whole requests', () => {
    expect(layout.xTicks[0]).toMatchObject({ value: 0, at: 52, label: '0 s' });
    expect(layout.xTicks.map((t) => t.label)).toContain('1 s');
    expect(layout.xTicks.every((t) => t.label.endsWith(' s'))).toBe(true);
    expect(layout.yTicks[0]).toMatchObject({ value: 0, at: layout.plot.bottom, label: '0' });
    expect(layout.yTicks.at(-1)!.value).toBe(200);
    expect(layout.yTicks.every((t) => Number.isInteger(t.value))).toBe(true);
    expect(layout.upAt).toEqual({
      x: 52 + 20 * (600 / 41),
      label: 'server answers 200 from 2 s',
    });
  });

  it('keeps the time axis long enough to show when the server came back', () => {
    const short = layoutHistogram(
      { ...RESULT, downForMs: 6000, runs: [run(false, [0, 5]), run(true, [3, 2])] },
      { width: 664, height: 280 },
    );
    expect(short.upAt!.x).toBeLessThan(short.plot.right);
    expect(short.xTicks.at(-1)!.value).toBeGreaterThanOrEqual(6000);
    const none = layoutHistogram(
      { ...RESULT, downForMs: 0, runs: [run(false, []), run(true, [])] },
      { width: 664, height: 280 },
    );
    expect(none.bars).toEqual([]);
    expect(none.peaks).toEqual([]);
    expect(none.upAt).toBeNull();
  });
});

describe('describeRun and describeLag', () => {
  it('states the peak, the totals and the last connection', () => {
    expect(formatSeconds(3050)).toBe('3.05 s');
    expect(describeRun(RESULT.runs[0]!, RESULT)).toBe(
      'Without jitter: at most 200 requests within 100 ms (100% of the 200 clients, from 1 s after the restart); 400 requests in all, 200 refused with 503; the last client got in at 3.05 s.',
    );
    const cut = run(true, [10, 40], {
      connected: 120,
      lastConnectedMs: 29_500,
      timedOut: true,
      refused: 0,
    });
    expect(describeRun(cut, RESULT)).toBe(
      'With jitter: at most 40 requests within 100 ms (20% of the 200 clients, from 0.1 s after the restart); 50 requests in all, 0 refused with 503; 120 of 200 clients got in, the last at 29.5 s; the run was stopped at its 30 s limit.',
    );
  });

  it('says when the simulation itself fell behind', () => {
    expect(describeLag(RESULT)).toBeNull();
    const busy: StormResult = {
      ...RESULT,
      runs: [RESULT.runs[0], { ...RESULT.runs[1], lateMs: 120.4 }],
    };
    expect(describeLag(busy)).toMatch(
      /^The simulation fell behind: some clients started up to 120 ms late/,
    );
  });
});
