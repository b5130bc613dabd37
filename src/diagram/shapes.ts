import type { TraceKind } from '../core';

/**
 * What a laid-out diagram is made of. The layout (layout.ts and its passes)
 * computes these with their coordinates; the renderer (SequenceShapes.tsx)
 * only draws them.
 */

/** How the time axis is drawn: one row per step (the default), or time to scale. */
import type { DiagramMode } from '../core/diagram-view';

export type { DiagramMode };

export interface Lane {
  actor: string;
  label: string;
  x: number;
  role: 'client' | 'server';
}

/** How an arrow looks, so that a wasted round trip reads differently from a useful one. */
export type ArrowVariant =
  'request' | 'response' | 'wasted' | 'error' | 'event' | 'frame' | 'control' | 'upgrade';

/** A label as placed by the label pass: where its text starts (or ends) and its baseline. */
export interface PlacedLabel {
  text: string;
  x: number;
  y: number;
  anchor: 'start' | 'end';
  fontSize: number;
}

export interface Arrow {
  seq: number;
  kind: TraceKind;
  conn: string;
  from: string;
  to: string;
  x1: number;
  x2: number;
  y: number;
  /** The step's full label (the inspector, the tooltip and the hover show it whole). */
  label: string;
  /** Where the label is drawn; null when it could not fit without covering another (it shows on hover and focus). */
  placed: PlacedLabel | null;
  /**
   * How many steps this arrow stands for: 1, or more when steps of the same
   * kind between the same two lanes fall within BUNDLE_PX of each other — more
   * than the screen can show apart. Its seq is the first one's.
   */
  count: number;
  variant: ArrowVariant;
}

export type BarKind = 'hold' | 'request' | 'sse-open' | 'ws-open';

export interface Bar {
  conn: string;
  /** The trace kind that opened it, as drawn (`hold` for a long poll). */
  kind: BarKind;
  /** Whose connection it is. */
  actor: string;
  x: number;
  /** Which side of the server's lifeline (the client's side), and how many columns out. */
  side: 1 | -1;
  column: number;
  y1: number;
  y2: number;
  /** Still open at `now`. */
  open: boolean;
  startSeq: number;
  start: number;
  end: number | null;
  /** A long poll's timeout, where it falls on the bar's axis, and how long is left at `now`. */
  timeoutY?: number;
  timeoutAt?: number;
  remainingMs?: number;
  /** What the bar is, whose, and how long: its tooltip. */
  label: string;
  /** The countdown of an open bar, or its owner's name on a finished one, where there is room. */
  placed: PlacedLabel | null;
}

export type MarkShape = 'cross' | 'dot' | 'wait' | 'close' | 'tick' | 'switch' | 'segment';

export interface Mark {
  seq: number;
  kind: TraceKind;
  conn: string;
  actor: string;
  x: number;
  y: number;
  /** For a wait: where it ends. */
  y2?: number;
  shape: MarkShape;
  label: string;
  placed: PlacedLabel | null;
}

export interface Band {
  seq: number;
  y1: number;
  y2: number;
  label: string;
  /** The name, kept inside the visible part of the band so that it stays on screen. */
  placed: PlacedLabel | null;
}

/** A time label on the left: an axis tick (time view) or a row's own time (rows view). */
export interface Tick {
  t: number;
  y: number;
  label: string;
}

/** Rows view: a long idle stretch folded into one marked row. */
export interface Gap {
  y: number;
  ms: number;
  label: string;
}

export interface SequenceLayout {
  mode: DiagramMode;
  lanes: Lane[];
  arrows: Arrow[];
  bars: Bar[];
  marks: Mark[];
  bands: Band[];
  ticks: Tick[];
  gaps: Gap[];
  /** The time → y mapping used, for countdowns and growing bars between renders. */
  y: (t: number) => number;
  /** The time range shown (rows view: the first and the last row's times). */
  t0: number;
  t1: number;
  /** How far the drawing must be moved up so that t0 sits at the top (0 unless anchored). */
  scrollY: number;
  /**
   * Changes whenever shapes already laid out could move (another window start,
   * scale, width or lane order). While it stays the same, new events only add
   * shapes: renderers may keep what they drew.
   */
  generation: string;
  /** Rows view: the rows in view and the run's total (for the toolbar and the overview). */
  rows?: { first: number; shown: number; total: number };
}
