import type { PlacedLabel } from './shapes';

/**
 * The third pass: labels that never print over each other. Each label asks
 * for one or more positions in order of preference; it gets the first whose
 * box is free, or none (the step keeps it for hover, focus and the
 * inspector). Boxes are measured, so the promise holds for the real text.
 */

/** Width of a text in px at a font size (the page measures; tests and the server use the estimate). */
export type Measure = (text: string, fontSize: number) => number;

/**
 * A safe over-estimate for DejaVu Sans, the lab's font, when nothing can
 * measure: its widest common glyphs (digits, capitals, `m`, `w`) are about
 * 0.63 em, its average text 0.55 em.
 */
export const estimateWidth: Measure = (text, fontSize) => text.length * fontSize * 0.64;

export interface LabelWish {
  text: string;
  fontSize: number;
  /** Where it may go, best first. */
  at: ReadonlyArray<{ x: number; y: number; anchor: 'start' | 'end' }>;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Room kept around every label, in px, so that neighbours never touch either. */
const PAD = 0.5;
const BUCKET_PX = 24;

/** The box a label's text covers, from its anchor point and baseline. */
export function labelBox(
  label: Pick<PlacedLabel, 'x' | 'y' | 'anchor' | 'fontSize'>,
  width: number,
): Box {
  const x0 = label.anchor === 'start' ? label.x : label.x - width;
  // DejaVu Sans's ascent is 0.928 em and its descent 0.236 em: the box a browser gives its text.
  return {
    x0: x0 - PAD,
    x1: x0 + width + PAD,
    y0: label.y - label.fontSize * 0.93 - PAD,
    y1: label.y + label.fontSize * 0.24 + PAD,
  };
}

function overlaps(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** The boxes placed so far, bucketed by height on screen so that a test reads only near neighbours. */
export class LabelPlacer {
  private readonly buckets = new Map<number, Box[]>();

  /** `width`: labels stay inside [0, width] (one running off the drawing would be cut). */
  constructor(
    private readonly measure: Measure,
    private readonly width = Infinity,
  ) {}

  /** Marks a region as taken (lane headers, fixed labels). */
  block(box: Box): void {
    for (let b = Math.floor(box.y0 / BUCKET_PX); b <= Math.floor(box.y1 / BUCKET_PX); b++) {
      let list = this.buckets.get(b);
      if (!list) this.buckets.set(b, (list = []));
      list.push(box);
    }
  }

  private free(box: Box, bounds: Box | null): boolean {
    if (box.x0 < 0 || box.x1 > this.width) return false;
    if (bounds && (box.x0 < bounds.x0 || box.x1 > bounds.x1)) return false;
    for (let b = Math.floor(box.y0 / BUCKET_PX); b <= Math.floor(box.y1 / BUCKET_PX); b++)
      for (const other of this.buckets.get(b) ?? []) if (overlaps(box, other)) return false;
    return true;
  }

  /** The first free position of the wish, taken; null when none is free (or inside `bounds`). */
  place(wish: LabelWish, bounds: Box | null = null): PlacedLabel | null {
    if (wish.text === '') return null;
    const width = this.measure(wish.text, wish.fontSize);
    for (const at of wish.at) {
      const placed: PlacedLabel = { text: wish.text, fontSize: wish.fontSize, ...at };
      const box = labelBox(placed, width);
      if (!this.free(box, bounds)) continue;
      this.block(box);
      return placed;
    }
    return null;
  }
}

/** Remembers measured widths: the same label is measured once (per font size). */
export function cachedMeasure(measure: Measure): Measure {
  const bySize = new Map<number, Map<string, number>>();
  let count = 0;
  return (text, fontSize) => {
    let widths = bySize.get(fontSize);
    if (!widths) bySize.set(fontSize, (widths = new Map()));
    let width = widths.get(text);
    if (width === undefined) {
      width = measure(text, fontSize);
      if (++count > 20_000) {
        bySize.clear();
        count = 0;
      }
      widths.set(text, width);
    }
    return width;
  };
}
