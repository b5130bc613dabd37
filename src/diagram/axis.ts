import { scaleLinear } from 'd3-scale';
import type { TraceEvent } from '../core';
import { byTime } from './bisect';
import type { LayoutCache } from './layout-cache';
import type { LanePlacement } from './lanes';
import { followRowsPage, sameBurst, type Row } from './rows';
import type { DiagramMode, Gap, SequenceLayout, Tick } from './shapes';
import { participantOf, type StepFilter, type StepSpec } from './steps';
import type { TraceIndex } from './trace-index';

/**
 * The second pass's time axis: where each step goes — to scale, or one row
 * per step — and what the left margin says beside it.
 */

/** What part of the trace to lay out, and into how much room. Time runs downward. */
export interface SequenceWindow {
  /** Time to scale (the default here), or one row per step. */
  mode?: DiagramMode;
  /** Time view: the visible time range, ms on the trace's clock. Rows view: ignored. */
  t0: number;
  t1: number;
  /** Rows view: the first row shown; following (the newest rows, a half screen at a time) when absent. */
  firstRow?: number;
  width: number;
  height: number;
  /** Room above the first event for the lane headers. */
  top?: number;
  /** Now, for spans still open (drawn to here) and live countdowns. Defaults to t1. */
  now?: number;
  /** Time 0 of the axis labels (the start of the run). Defaults to the first event. */
  origin?: number;
  /** Lane order of the participants (the server's lane goes after the first). */
  actors?: readonly string[];
  /**
   * Time view: the time that sits at y = top. Defaults to t0. A renderer that
   * scrolls keeps it fixed and translates the drawing by `scrollY`, so shapes
   * keep their coordinates from frame to frame and only new ones are drawn.
   */
  anchor?: number;
  /** What to leave out (receivers only folds the sender's uploads). */
  filter?: StepFilter;
  /** Size of the labels, px (presenter mode draws them larger). Default 11. */
  fontSize?: number;
}

/** Time view: consecutive arrows of a lane are kept this far apart (px), so their labels can show. */
export const LABEL_SPACING = 14;

/** Rows view: the height of a row at the default font size. */
export const ROW_HEIGHT = 20;

/** How many rows fit below the lane headers. */
export function rowsThatFit(height: number, top: number, fontSize = 11): number {
  return Math.max(1, Math.floor((height - top) / rowHeight(fontSize)));
}

function rowHeight(fontSize: number): number {
  return Math.round((ROW_HEIGHT * fontSize) / 11);
}

/** One step to draw: the event, its shape, and its height. */
export interface Placed {
  event: TraceEvent;
  spec: StepSpec;
  y: number;
  /** Receipts drawn as this one mark (the first is `event`). */
  burst?: TraceEvent[];
  /** How many steps this arrow stands for (more than 1: the screen could not show them apart). */
  count?: number;
}

/** Arrows of one kind between the same lanes closer than this (px) are drawn as one, with a count. */
export const BUNDLE_PX = 2;

/** `#44–#53 (10)`: the messages of a burst of receipts, as one mark's label. */
function burstSpec(events: readonly TraceEvent[]): StepSpec {
  const ids = events.flatMap((e) => e.messageIds ?? []);
  const consecutive = ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1);
  const label =
    ids.length === 0
      ? `${events.length} receipts`
      : consecutive
        ? `#${ids[0]}–#${ids[ids.length - 1]} (${ids.length})`
        : `#${ids.slice(0, 3).join(', #')}${ids.length > 3 ? ' …' : ''} (${ids.length})`;
  return { shape: 'mark', mark: 'dot', label, atServer: false };
}

/** The time axis of a layout: where steps go, and what the left margin says. */
export interface Axis {
  mode: DiagramMode;
  y: (t: number) => number;
  steps: Placed[];
  ticks: Tick[];
  gaps: Gap[];
  t0: number;
  t1: number;
  scrollY: number;
  /** The top of the visible area, in the drawing's coordinates. */
  viewTop: number;
  generation: string;
  rows?: SequenceLayout['rows'];
}

const filterKey = (filter: StepFilter): string =>
  filter.receiversOnly ? `receivers:${filter.sender ?? ''}` : 'all';

/** What either axis is built from: the trace, the window in view, the layout's caches, the lanes, the step filter and the top of the first step. */
export interface AxisInput {
  index: TraceIndex;
  window: SequenceWindow;
  cache: LayoutCache;
  lanes: LanePlacement;
  filter: StepFilter;
  top: number;
}

/** Time to scale: y grows with time; a lane's arrows are kept a label apart, a few labels at most. */
export function timeAxis({ index, window, cache, lanes, filter, top }: AxisInput): Axis {
  const origin = window.origin ?? index.first ?? window.t0;
  const anchor = window.anchor ?? window.t0;
  const visibleMs = Math.max(1e-9, window.t1 - window.t0);
  // The same mapping as d3's scaleLinear().domain([anchor, anchor + visibleMs]).range([top, height]),
  // written out: it runs for every visible step on every frame.
  const pxPerMs = (window.height - top) / visibleMs;
  const y = (t: number): number => top + (t - anchor) * pxPerMs;
  const lastArrowY = new Map<string, number>();
  // Scaling lab: every arrow crosses the lanes the others use (the participants', then the
  // shared server lanes), so they all keep apart, not only a participant's own; one message
  // crosses every lane, so its arrows (and marks on a server lane) may take a label per lane;
  // and a participant's marks (a receipt) follow its last arrow down.
  const shared = index.scale.lanes.length > 0;
  const furthest = (shared ? lanes.actors.length + 2 : 3) * LABEL_SPACING;
  const lastOwnY = new Map<string, number>();
  // The last arrow drawn per lane, direction, look and kind: one closer than BUNDLE_PX joins it.
  const heads = new Map<string, Map<string, Placed>>();
  const steps: Placed[] = [];
  for (const event of index.between(window.t0, window.t1)) {
    const participant = participantOf(event);
    if (participant === undefined || !lanes.laneX.has(participant)) continue;
    const spec = cache.spec(event, filter);
    if (!spec) continue;
    // Receipts of one answer are one mark.
    const before = steps[steps.length - 1];
    if (before && sameBurst(before.burst?.at(-1) ?? before.event, event)) {
      before.burst = [...(before.burst ?? [before.event]), event];
      before.spec = burstSpec(before.burst);
      continue;
    }
    let yy = y(event.t);
    if (spec.shape !== 'mark') {
      // A response that follows its request within a few ms would sit on top of it:
      // consecutive arrows of a lane keep a label's height apart, but never more
      // than a few labels below their true time, however dense the traffic.
      const spacing = shared ? '' : participant;
      const above = lastArrowY.get(spacing);
      if (above !== undefined) yy = Math.min(Math.max(yy, above + LABEL_SPACING), yy + furthest);
      lastArrowY.set(spacing, yy);
      if (shared) lastOwnY.set(participant, yy);
      let lane = heads.get(participant);
      if (!lane) heads.set(participant, (lane = new Map()));
      // The kind too: a request and a frame up may share a look.
      const key = event.kind + spec.bundle;
      const head = lane.get(key);
      if (head && yy - head.y < BUNDLE_PX) {
        head.count = (head.count ?? 1) + 1;
        continue;
      }
      const placed: Placed = { event, spec, y: yy };
      lane.set(key, placed);
      steps.push(placed);
      continue;
    }
    if (shared && (spec.atServer || spec.lane !== undefined)) {
      // A mark on a server lane (a gateway's publish, a refused route) sits among the arrows there.
      const above = lastArrowY.get('');
      if (above !== undefined)
        yy = Math.min(Math.max(yy, above + LABEL_SPACING), y(event.t) + furthest);
      lastArrowY.set('', yy);
    } else {
      const own = shared ? lastOwnY.get(participant) : undefined;
      if (own !== undefined) yy = Math.max(yy, own + LABEL_SPACING / 2);
    }
    steps.push({ event, spec, y: yy });
  }
  const ticks = scaleLinear()
    .domain([window.t0, window.t1])
    .ticks(8)
    .map((t) => ({ t, y: y(t), label: `${Math.round(t - origin)} ms` }));
  const scrollY = y(window.t0) - top;
  return {
    mode: 'time',
    y,
    steps,
    ticks,
    gaps: [],
    t0: window.t0,
    t1: window.t1,
    scrollY,
    viewTop: scrollY + top,
    generation: `time|${window.t0}|${window.t1}|${anchor}|${window.width}|${window.height}|${top}|${lanes.actors.join(',')}|${filterKey(filter)}`,
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 3 : 2)} s`;
}

/** The rows in view (and one either side) as the axis's steps, ticks, gaps, the anchors its time mapping runs through, and the time they span. */
interface RowsInView {
  anchors: Array<{ t: number; y: number }>;
  steps: Placed[];
  ticks: Tick[];
  gaps: Gap[];
  t0: number;
  t1: number;
}

function placeRows(
  rows: readonly Row[],
  { first, visible, origin }: { first: number; visible: number; origin: number },
  rowY: (row: number) => number,
  spec: (row: Extract<Row, { kind: 'step' }>) => StepSpec | null,
): RowsInView {
  const placed: RowsInView = {
    anchors: [],
    steps: [],
    ticks: [],
    gaps: [],
    t0: Infinity,
    t1: -Infinity,
  };
  for (const row of rows) {
    const yy = rowY(row.row);
    const inView = row.row >= first && row.row < first + visible;
    if (row.kind === 'gap') {
      if (inView) {
        placed.gaps.push({
          y: yy,
          ms: row.until - row.t,
          label: `… ${(Math.max(0, row.until - row.t) / 1000).toFixed(1)} s`,
        });
        placed.t0 = Math.min(placed.t0, row.t);
        placed.t1 = Math.max(placed.t1, row.until);
      }
      continue;
    }
    placed.anchors.push({ t: row.t, y: yy });
    if (!inView) continue;
    placed.t0 = Math.min(placed.t0, row.t);
    placed.t1 = Math.max(placed.t1, row.t);
    placed.ticks.push({ t: row.t, y: yy, label: seconds(row.t - origin) });
    if (row.event.kind === 'fault') continue;
    const stepSpec = spec(row);
    if (stepSpec) placed.steps.push({ event: row.event, spec: stepSpec, y: yy });
  }
  return placed;
}

/**
 * Time to height through the rows' anchors, linearly between them; before the
 * first, a row above it; past the newest, the row after it (or, at the end of
 * the trace, the anchor where now is).
 */
function rowsTimeToY(
  anchors: ReadonlyArray<{ t: number; y: number }>,
  { top, rowH, atEnd }: { top: number; rowH: number; atEnd: boolean },
): (t: number) => number {
  return (t) => {
    if (anchors.length === 0) return top;
    if (t <= anchors[0]!.t) return anchors[0]!.t > t ? anchors[0]!.y - rowH : anchors[0]!.y;
    const newest = anchors[anchors.length - 1]!;
    if (t >= newest.t) return newest.y + (atEnd ? 0 : rowH);
    // anchors[0].t < t < newest.t: the first anchor after t, and the one before it.
    const after = byTime.right(anchors, t, 1, anchors.length - 1);
    const a = anchors[after - 1]!;
    const b = anchors[after]!;
    return a.y + ((t - a.t) / Math.max(1e-9, b.t - a.t)) * (b.y - a.y);
  };
}

/**
 * One row per step: the rows from `firstRow` (or the page that follows the
 * newest), each step at its row's height and its real time beside it; idle
 * stretches folded into a gap row. Between rows, time maps linearly, so a bar
 * runs from its opening step's row to its closing step's row.
 */
export function rowsAxis(
  { index, window, cache, lanes, filter, top }: AxisInput,
  fontSize: number,
): Axis {
  const rowIndex = cache.rows(index, filter);
  const rowH = rowHeight(fontSize);
  const visible = rowsThatFit(window.height, top, fontSize);
  const total = rowIndex.total;
  const first = Math.max(
    0,
    Math.min(window.firstRow ?? followRowsPage(total, visible), Math.max(0, total - 1)),
  );
  const origin = window.origin ?? index.first ?? 0;
  // Arrows sit low in their row, their label above them; marks a little higher.
  const rowY = (row: number): number => top + (row - first) * rowH + Math.round(rowH * 0.7);
  // One row either side of the view as well, so that bars and waits reaching out of view point the right way.
  const rows = rowIndex.rows(Math.max(0, first - 1), visible + 2);
  const { anchors, steps, ticks, gaps, ...span } = placeRows(
    rows,
    { first, visible, origin },
    rowY,
    (row) => (row.events.length > 1 ? burstSpec(row.events) : cache.spec(row.event, filter)),
  );
  let { t0, t1 } = span;
  if (t0 === Infinity) {
    t0 = window.now ?? index.last ?? 0;
    t1 = t0;
  }
  const last = anchors[anchors.length - 1];
  const lastRow = rows[rows.length - 1];
  const atEnd = !lastRow || lastRow.row >= total - 1;
  const now = Math.max(window.now ?? t1, last?.t ?? -Infinity);
  // Past the newest row, time runs on into the next row (where now is).
  if (atEnd) anchors.push({ t: now + 1e-6, y: (last ? last.y : top) + rowH * 0.8 });
  return {
    mode: 'rows',
    y: rowsTimeToY(anchors, { top, rowH, atEnd }),
    steps,
    ticks,
    gaps,
    t0,
    t1,
    scrollY: 0,
    viewTop: top,
    generation: `rows|${first}|${window.width}|${window.height}|${top}|${fontSize}|${lanes.actors.join(',')}|${filterKey(filter)}`,
    rows: { first, shown: Math.min(visible, Math.max(0, total - first)), total },
  };
}
