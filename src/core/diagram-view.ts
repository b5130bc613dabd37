/** One row per step, or time to scale. */
export type DiagramMode = 'rows' | 'time';

/**
 * What part of the trace a diagram shows, as one value a store can hold:
 * following live traffic (the newest steps, a page at a time), or a fixed
 * window the user paused at, panned to or fitted. The playground and compare
 * mode keep one each; exports and the overview read it from there.
 */
export type DiagramWindow =
  /** The newest steps; the time view shows `spanMs` of them. */
  | { kind: 'follow'; spanMs: number }
  /** From t0 to t1 (the rows view starts at t0's row and shows as many rows as fit). */
  | { kind: 'fixed'; t0: number; t1: number };

export interface DiagramView {
  window: DiagramWindow;
  /** One row per step (the default), or time to scale. */
  mode: DiagramMode;
  /** Fold the sender's uploads into one line per message. */
  receiversOnly: boolean;
}

/** What a diagram drew last: the window it resolved to (for exports, the overview and pausing). */
export interface ShownWindow {
  t0: number;
  t1: number;
}

/** The slice a store holds for one diagram surface. */
export interface DiagramViewSlice {
  view: DiagramView;
  shown: ShownWindow | null;
}

export const DEFAULT_SPAN_MS = 10_000;
export const MIN_SPAN_MS = 50;
export const MAX_SPAN_MS = 10 * 60_000;

export const INITIAL_VIEW: DiagramView = {
  window: { kind: 'follow', spanMs: DEFAULT_SPAN_MS },
  mode: 'rows',
  receiversOnly: false,
};

export function initialDiagramViewSlice(view: Partial<DiagramView> = {}): DiagramViewSlice {
  return { view: { ...INITIAL_VIEW, ...view }, shown: null };
}

export const isFollowing = (view: DiagramView): boolean => view.window.kind === 'follow';

/** How much time the time view spans. */
export function spanOf(view: DiagramView): number {
  return view.window.kind === 'follow' ? view.window.spanMs : view.window.t1 - view.window.t0;
}

const clampSpan = (ms: number): number => Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, ms));

export function follow(view: DiagramView): DiagramView {
  return { ...view, window: { kind: 'follow', spanMs: clampSpan(spanOf(view)) } };
}

/** Holds the view where it is now. */
export function pause(view: DiagramView, shown: ShownWindow): DiagramView {
  if (view.mode === 'time') {
    return { ...view, window: { kind: 'fixed', t1: shown.t1, t0: shown.t1 - spanOf(view) } };
  }
  return { ...view, window: { kind: 'fixed', t0: shown.t0, t1: shown.t1 } };
}

/** Time view: a new span, keeping the window's end (following keeps following). */
export function zoomTo(view: DiagramView, spanMs: number, shown: ShownWindow | null): DiagramView {
  const span = clampSpan(spanMs);
  if (view.window.kind === 'follow') return { ...view, window: { kind: 'follow', spanMs: span } };
  const end = shown && view.mode === 'time' ? shown.t1 : view.window.t1;
  return { ...view, window: { kind: 'fixed', t0: end - span, t1: end } };
}

/** A fixed window ending at t1, the span kept. */
export function windowEndingAt(view: DiagramView, t1: number): DiagramView {
  return { ...view, window: { kind: 'fixed', t0: t1 - spanOf(view), t1 } };
}

/** A fixed window starting at t0 (the rows view's first row), the span kept. */
export function windowFrom(view: DiagramView, t0: number): DiagramView {
  return { ...view, window: { kind: 'fixed', t0, t1: t0 + spanOf(view) } };
}

/** The whole of [first, last] with a little room at both ends, to scale (one row per step would not fit). */
export function fitRun(view: DiagramView, first: number, last: number): DiagramView {
  const run = Math.max(0, last - first);
  const span = Math.max(1000, run * 1.06);
  const t0 = first - (span - run) / 3;
  return { ...view, mode: 'time', window: { kind: 'fixed', t0, t1: t0 + span } };
}

/** A fixed view that shows the whole of [first, last] (compare mode after a run). */
export function wholeRunView(view: DiagramView, first: number, last: number): DiagramView {
  return fitRun(view, first, last);
}

export function withMode(view: DiagramView, mode: DiagramMode): DiagramView {
  return { ...view, mode };
}

export function withReceiversOnly(view: DiagramView, receiversOnly: boolean): DiagramView {
  return { ...view, receiversOnly };
}

/** Whether two shown windows are the same (the diagram reports a change only). */
export function sameShown(a: ShownWindow | null, b: ShownWindow | null): boolean {
  return a === b || (a !== null && b !== null && a.t0 === b.t0 && a.t1 === b.t1);
}
