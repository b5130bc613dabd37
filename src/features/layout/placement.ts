/** A rectangle in viewport pixels (what getBoundingClientRect gives). */
export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Where a panel goes beside a thing it is about: `left`/`width` in the same
 * pixels as the boxes; `top` is the panel's top edge, or its bottom edge when
 * `from` is "bottom" (a panel above the thing grows upward); `maxHeight`
 * keeps it inside the bounds.
 */
export interface Placement {
  side: 'right' | 'left' | 'below' | 'above' | 'corner';
  left: number;
  top: number;
  from: 'top' | 'bottom';
  width: number;
  maxHeight: number;
}

export interface PlacementOptions {
  /** The width the panel would like. */
  width: number;
  /** Beside the thing only if at least this wide fits; else above or below it. */
  minWidth: number;
  /** Below (or above) the thing only if at least this tall fits. */
  minHeight: number;
  /** Room kept between the panel, the thing and the bounds. */
  gap: number;
}

const clamp = (value: number, low: number, high: number) =>
  Math.min(Math.max(value, low), Math.max(low, high));

/**
 * Places a panel next to `target` inside `bounds` without covering it: on the
 * side with more room when the panel fits there, else below or above it,
 * whichever has room (below first). With no target, in the top right corner.
 * Pure, so it is tested without a DOM.
 */
export function placePanel(
  target: Box | null,
  bounds: Box,
  { width, minWidth, minHeight, gap }: PlacementOptions,
): Placement {
  const boundsWidth = bounds.right - bounds.left;
  const wanted = Math.max(0, Math.min(width, boundsWidth - 2 * gap));
  if (!target) {
    return {
      side: 'corner',
      left: bounds.right - gap - wanted,
      top: bounds.top + gap,
      from: 'top',
      width: wanted,
      maxHeight: bounds.bottom - bounds.top - 2 * gap,
    };
  }
  const roomRight = bounds.right - target.right - 2 * gap;
  const roomLeft = target.left - bounds.left - 2 * gap;
  const side = roomRight >= roomLeft ? 'right' : 'left';
  const room = Math.max(roomRight, roomLeft);
  if (room >= Math.min(minWidth, wanted)) {
    const panelWidth = Math.min(wanted, room);
    const top = clamp(target.top - gap, bounds.top + gap, bounds.bottom - gap - minHeight);
    return {
      side,
      left: side === 'right' ? target.right + gap : target.left - gap - panelWidth,
      top,
      from: 'top',
      width: panelWidth,
      maxHeight: bounds.bottom - gap - top,
    };
  }
  const centre = (target.left + target.right) / 2;
  const left = clamp(centre - wanted / 2, bounds.left + gap, bounds.right - gap - wanted);
  const roomBelow = bounds.bottom - target.bottom - 2 * gap;
  const roomAbove = target.top - bounds.top - 2 * gap;
  if (roomBelow >= minHeight || roomBelow >= roomAbove) {
    return {
      side: 'below',
      left,
      top: target.bottom + gap,
      from: 'top',
      width: wanted,
      maxHeight: Math.max(roomBelow, 0),
    };
  }
  return {
    side: 'above',
    left,
    top: target.top - gap,
    from: 'bottom',
    width: wanted,
    maxHeight: Math.max(roomAbove, 0),
  };
}

/** Whether two boxes overlap (touching edges do not). */
export function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}
