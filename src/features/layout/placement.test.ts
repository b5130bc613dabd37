import { describe, expect, it } from 'vitest';
import { overlaps, placePanel, type Box } from './placement';

const bounds: Box = { left: 0, top: 0, right: 1000, bottom: 600 };
const options = { width: 400, minWidth: 300, minHeight: 220, gap: 8 };
const boxOf = (p: ReturnType<typeof placePanel>, height: number): Box => {
  const top = p.from === 'top' ? p.top : p.top - height;
  return { left: p.left, top, right: p.left + p.width, bottom: top + height };
};

describe('placePanel', () => {
  it('goes beside a step on the side with more room, never over it', () => {
    const step = { left: 100, top: 200, right: 420, bottom: 214 };
    const placed = placePanel(step, bounds, options);
    expect(placed.side).toBe('right');
    expect(placed.left).toBe(428);
    expect(placed.width).toBe(400);
    expect(overlaps(boxOf(placed, placed.maxHeight), step)).toBe(false);

    const onTheRight = { left: 560, top: 300, right: 900, bottom: 314 };
    const left = placePanel(onTheRight, bounds, options);
    expect(left.side).toBe('left');
    expect(left.left + left.width).toBe(552);
    expect(overlaps(boxOf(left, left.maxHeight), onTheRight)).toBe(false);
  });

  it('stays inside the bounds and keeps at least minHeight for a step near the bottom', () => {
    const low = { left: 100, top: 580, right: 300, bottom: 592 };
    const placed = placePanel(low, bounds, options);
    expect(placed.top).toBe(600 - 8 - 220);
    expect(placed.top + placed.maxHeight).toBe(592);
  });

  it('goes below (or above) a step that spans the width', () => {
    const wide = { left: 40, top: 100, right: 960, bottom: 120 };
    const below = placePanel(wide, bounds, options);
    expect(below.side).toBe('below');
    expect(below.top).toBe(128);
    expect(below.maxHeight).toBe(600 - 120 - 16);
    expect(overlaps(boxOf(below, below.maxHeight), wide)).toBe(false);

    const lowAndWide = { left: 40, top: 500, right: 960, bottom: 520 };
    const above = placePanel(lowAndWide, bounds, options);
    expect(above.side).toBe('above');
    expect(above.from).toBe('bottom');
    expect(above.top).toBe(492);
    expect(overlaps(boxOf(above, above.maxHeight), lowAndWide)).toBe(false);
  });

  it('fits a phone: full width less the gaps', () => {
    const phone: Box = { left: 8, top: 0, right: 382, bottom: 844 };
    const placed = placePanel({ left: 80, top: 300, right: 260, bottom: 314 }, phone, options);
    expect(placed.side).toBe('below');
    expect(placed.left).toBe(16);
    expect(placed.width).toBe(374 - 16);
  });

  it('takes the corner when the step is out of view', () => {
    const placed = placePanel(null, bounds, options);
    expect(placed).toMatchObject({ side: 'corner', left: 592, top: 8, width: 400 });
  });
});
