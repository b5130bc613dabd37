import { describe, expect, it } from 'vitest';
import { laneTag } from './lanes';
import { estimateWidth } from './labels';

describe('laneTag', () => {
  it('keeps the full tag where lanes have room', () => {
    expect(laneTag('Gateway 1', 200)).toEqual({ width: 88, fontSize: 13, text: 'Gateway 1' });
    expect(laneTag('Alice', Infinity)).toEqual({ width: 88, fontSize: 13, text: 'Alice' });
  });

  it('narrows the tag between crowded lanes, so that no two tags touch, and shortens what does not fit', () => {
    for (const spacing of [40, 55, 67, 80, 91]) {
      for (const label of ['Gateway 3', 'Balancer', 'Broker', 'Carol']) {
        const tag = laneTag(label, spacing);
        expect(tag.width).toBeLessThan(spacing);
        expect(estimateWidth(tag.text, tag.fontSize)).toBeLessThanOrEqual(tag.width - 6);
        expect(tag.text.length).toBeGreaterThan(0);
      }
    }
    expect(laneTag('Gateway 3', 52).text).toBe('GW 3');
    expect(laneTag('Gateway 3', 80).text).toBe('Gateway 3');
  });

  it('widens the tag for the simulated server where lanes have room, and shortens it where they crowd', () => {
    expect(laneTag('Server (simulated)', Infinity)).toEqual({
      width: 156,
      fontSize: 13,
      text: 'Server (simulated)',
    });
    expect(laneTag('Server (simulated)', 120).text).toBe('Server (sim.)');
    expect(laneTag('Server (simulated)', 70).text).toBe('Simulated');
    // A phone with three receivers: a word of its own, never a clipped one ("Simulate").
    expect(laneTag('Server (simulated)', 56).text).toBe('Sim.');
    for (const spacing of [40, 70, 120, 200]) {
      const tag = laneTag('Server (simulated)', spacing);
      expect(tag.width).toBeLessThan(spacing);
      expect(estimateWidth(tag.text, tag.fontSize)).toBeLessThanOrEqual(tag.width - 6);
    }
  });
});
