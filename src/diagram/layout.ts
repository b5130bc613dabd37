import { scaleLinear } from 'd3-scale';
import type { TraceEvent } from '../core';
import { LayoutCache } from './layout-cache';
import { estimateWidth, LabelPlacer, type LabelWish } from './labels';
import { BAR_WIDTH, laneTitle, placeLanes, type LanePlacement } from './lanes';
import { followRowsPage } from './rows';
import type {
  Arrow,
  Band,
  Bar,
  BarKind,
  DiagramMode,
  Gap,
  Mark,
  SequenceLayout,
  Tick,
} from './shapes';
import type { Span } from './spans';
import { ALL_STEPS, participantOf, type StepFilter, type StepSpec } from './steps';
import { SERVER_ACTOR, type TraceIndex } from './trace-index';

export { isDrawn } from '../core';
export { BAR_WIDTH } from './lanes';
export { LayoutCache } from './layout-cache';
export type * from './shapes';

/**
 * Lays out the part of a trace in view, in three passes: lanes (lanes.ts),
 * then each step's shape from the per-kind table (steps.ts) at its height on
 * the time axis — to scale, or one row per step (rows.ts) — then labels that
 * never overlap (labels.ts). Pure: no DOM, and the work grows with what is
 * visible, not with the whole history.
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

/** Arrows of one kind between the same lanes closer than this (px) are drawn as one, with a count. */
export const BUNDLE_PX = 2;

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
interface Placed {
  event: TraceEvent;
  spec: StepSpec;
  y: number;
}

/** The time axis of a layout: where steps go, and what the left margin says. */
interface Axis {
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

export function layoutSequence(
  index: TraceIndex,
  window: SequenceWindow,
  cache: LayoutCache = new LayoutCache(),
): SequenceLayout {
  const top = window.top ?? 40;
  const fontSize = window.fontSize ?? 11;
  const filter = window.filter ?? ALL_STEPS;
  const lanes = placeLanes(index.actors, window.actors, window.width);
  const axis =
    window.mode === 'rows'
      ? rowsAxis(index, window, cache, lanes, filter, top, fontSize)
      : timeAxis(index, window, cache, lanes, filter, top);
  const now = window.now ?? axis.t1;

  // Second pass: shapes.
  const arrows: Arrow[] = [];
  const marks: Mark[] = [];
  for (const { event, spec, y } of axis.steps) {
    const client = participantOf(event)!;
    const x = lanes.laneX.get(client)!;
    const edgeX = lanes.columnOf(client).x;
    if (spec.shape === 'arrow') {
      const up = spec.from === 'client';
      arrows.push({
        seq: event.seq,
        kind: event.kind,
        conn: event.conn,
        from: up ? client : SERVER_ACTOR,
        to: up ? SERVER_ACTOR : client,
        x1: up ? x : edgeX,
        x2: up ? edgeX : x,
        y,
        label: spec.label,
        placed: null,
        count: 1,
        variant: spec.variant,
      });
    } else {
      const m: Mark = {
        seq: event.seq,
        kind: event.kind,
        conn: event.conn,
        actor: spec.atServer ? SERVER_ACTOR : client,
        x: spec.atServer ? edgeX : x,
        y: axis.mode === 'rows' ? y - 4 : y,
        shape: spec.mark,
        label: spec.label,
        placed: null,
      };
      if (spec.lastsMs !== undefined) m.y2 = axis.y(event.t + spec.lastsMs);
      marks.push(m);
    }
  }
  const bands: Band[] = index.faultsBetween(axis.t0, axis.t1).map((fault) => ({
    seq: fault.seq,
    y1: axis.y(fault.start),
    // A fault that lasts is a band to its end (or to now); an instant one (a drop) a thin line.
    y2: axis.y(fault.end ?? now),
    label: fault.label,
    placed: null,
  }));
  const bars: Bar[] = [];
  for (const span of index.spans.overlapping(axis.t0, axis.t1)) {
    if (!lanes.laneX.has(span.actor)) continue;
    if (filter.receiversOnly && span.actor === filter.sender && span.conn.includes('-publish-'))
      continue;
    bars.push(spanBar(span, lanes, axis.y, now));
  }

  const shown = bundleArrows(arrows);
  placeLabels(
    { arrows: shown, marks, bands, bars, ticks: axis.ticks, gaps: axis.gaps },
    {
      measure: cache.measure,
      lanes,
      mode: axis.mode,
      fontSize,
      width: window.width,
      viewTop: axis.viewTop,
      now,
      y: axis.y,
    },
  );
  return {
    mode: axis.mode,
    lanes: lanes.lanes,
    arrows: shown,
    bars,
    marks,
    bands,
    ticks: axis.ticks,
    gaps: axis.gaps,
    y: axis.y,
    t0: axis.t0,
    t1: axis.t1,
    scrollY: axis.scrollY,
    generation: axis.generation,
    ...(axis.rows ? { rows: axis.rows } : {}),
  };
}

const filterKey = (filter: StepFilter): string =>
  filter.receiversOnly ? `receivers:${filter.sender ?? ''}` : 'all';

/** Time to scale: y grows with time; a lane's arrows are kept a label apart, a few labels at most. */
function timeAxis(
  index: TraceIndex,
  window: SequenceWindow,
  cache: LayoutCache,
  lanes: LanePlacement,
  filter: StepFilter,
  top: number,
): Axis {
  const origin = window.origin ?? index.first ?? window.t0;
  const anchor = window.anchor ?? window.t0;
  const visibleMs = Math.max(1e-9, window.t1 - window.t0);
  // The same mapping as d3's scaleLinear().domain([anchor, anchor + visibleMs]).range([top, height]),
  // written out: it runs for every visible step on every frame.
  const pxPerMs = (window.height - top) / visibleMs;
  const y = (t: number): number => top + (t - anchor) * pxPerMs;
  const lastArrowY = new Map<string, number>();
  const steps: Placed[] = [];
  for (const event of index.between(window.t0, window.t1)) {
    const participant = participantOf(event);
    if (participant === undefined || !lanes.laneX.has(participant)) continue;
    const spec = cache.spec(event, filter);
    if (!spec) continue;
    let yy = y(event.t);
    if (spec.shape === 'arrow') {
      // A response that follows its request within a few ms would sit on top of it:
      // consecutive arrows of a lane keep a label's height apart, but never more
      // than a few labels below their true time, however dense the traffic.
      const before = lastArrowY.get(participant);
      if (before !== undefined)
        yy = Math.min(Math.max(yy, before + LABEL_SPACING), yy + 3 * LABEL_SPACING);
      lastArrowY.set(participant, yy);
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

/**
 * One row per step: the rows from `firstRow` (or the page that follows the
 * newest), each step at its row's height and its real time beside it; idle
 * stretches folded into a gap row. Between rows, time maps linearly, so a bar
 * runs from its opening step's row to its closing step's row.
 */
function rowsAxis(
  index: TraceIndex,
  window: SequenceWindow,
  cache: LayoutCache,
  lanes: LanePlacement,
  filter: StepFilter,
  top: number,
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
  const anchors: Array<{ t: number; y: number }> = [];
  const steps: Placed[] = [];
  const ticks: Tick[] = [];
  const gaps: Gap[] = [];
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const row of rows) {
    const yy = rowY(row.row);
    const inView = row.row >= first && row.row < first + visible;
    if (row.kind === 'gap') {
      if (inView) {
        gaps.push({ y: yy, ms: row.until - row.t, label: `${seconds(row.until - row.t)} pass` });
        t0 = Math.min(t0, row.t);
        t1 = Math.max(t1, row.until);
      }
      continue;
    }
    anchors.push({ t: row.t, y: yy });
    if (!inView) continue;
    t0 = Math.min(t0, row.t);
    t1 = Math.max(t1, row.t);
    ticks.push({ t: row.t, y: yy, label: seconds(row.t - origin) });
    if (row.event.kind === 'fault') continue;
    const spec = cache.spec(row.event, filter);
    if (spec) steps.push({ event: row.event, spec, y: yy });
  }
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
  const y = (t: number): number => {
    if (anchors.length === 0) return top;
    if (t <= anchors[0]!.t) return anchors[0]!.t > t ? anchors[0]!.y - rowH : anchors[0]!.y;
    let lo = 0;
    let hi = anchors.length - 1;
    if (t >= anchors[hi]!.t) return anchors[hi]!.y + (atEnd ? 0 : rowH);
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      if (anchors[mid]!.t <= t) lo = mid;
      else hi = mid;
    }
    const a = anchors[lo]!;
    const b = anchors[hi]!;
    return a.y + ((t - a.t) / Math.max(1e-9, b.t - a.t)) * (b.y - a.y);
  };
  return {
    mode: 'rows',
    y,
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

/** Seconds with one decimal, for countdowns (their width does not jitter as they tick). */
export function countdownTime(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** What an open bar's label says at `now`: whose, how long so far, and (a held poll) how long is left. */
export function openBarText(bar: Pick<Bar, 'actor' | 'kind' | 'start' | 'timeoutAt'>, now: number) {
  const owner = laneTitle(bar.actor);
  const what = bar.kind === 'hold' ? 'held' : 'open';
  const base = `${owner} · ${what} ${countdownTime(now - bar.start)}`;
  return bar.timeoutAt === undefined
    ? base
    : `${base} · times out in ${countdownTime(bar.timeoutAt - now)}`;
}

function spanBar(s: Span, lanes: LanePlacement, y: (t: number) => number, now: number): Bar {
  const { x, side, column } = lanes.columnOf(s.actor);
  const end = s.end ?? now;
  const kind: BarKind =
    s.kind === 'sse'
      ? 'sse-open'
      : s.kind === 'ws'
        ? 'ws-open'
        : s.technique === 'long-poll' && !s.conn.includes('-publish-')
          ? 'hold'
          : 'request';
  const owner = laneTitle(s.actor);
  const what =
    kind === 'hold'
      ? 'long poll'
      : kind === 'sse-open'
        ? 'SSE stream'
        : kind === 'ws-open'
          ? 'WebSocket'
          : 'request';
  const bar: Bar = {
    conn: s.conn,
    kind,
    actor: s.actor,
    x,
    side,
    column,
    y1: y(s.start),
    y2: y(Math.max(end, s.start)),
    open: s.end === null,
    startSeq: s.startSeq,
    start: s.start,
    end: s.end,
    label: `${owner}'s ${what}, ${s.end === null ? 'open' : kind === 'hold' ? 'held' : 'open'} ${countdownTime(end - s.start)}`,
    placed: null,
  };
  if (s.timeoutMs !== undefined) {
    bar.timeoutAt = s.start + s.timeoutMs;
    bar.timeoutY = y(bar.timeoutAt);
    if (s.end === null) {
      bar.remainingMs = Math.max(0, bar.timeoutAt - now);
      bar.label = `${bar.label} · times out in ${countdownTime(bar.remainingMs)}`;
    }
  }
  return bar;
}

interface LabelContext {
  measure: LayoutCache['measure'];
  lanes: LanePlacement;
  mode: DiagramMode;
  fontSize: number;
  width: number;
  viewTop: number;
  now: number;
  y: (t: number) => number;
}

/** Mark labels longer than this are cut on the diagram (the inspector and the tooltip have them whole). */
const MARK_LABEL_CHARS = 34;

const URGENT_MARKS = new Set(['cross', 'close', 'switch', 'tick', 'segment']);

function cut(text: string): string {
  return text.length > MARK_LABEL_CHARS ? `${text.slice(0, MARK_LABEL_CHARS - 1)}…` : text;
}

/**
 * Third pass: every label gets a free place or none. Fixed labels first (the
 * time margin), then what must be read (fault names, errors, closes,
 * countdowns), then the ordinary steps in time order, then owner tags.
 */
function placeLabels(
  shapes: {
    arrows: Arrow[];
    marks: Mark[];
    bands: Band[];
    bars: Bar[];
    ticks: Tick[];
    gaps: Gap[];
  },
  context: LabelContext,
): void {
  const { lanes, fontSize, mode } = context;
  const placer = new LabelPlacer(context.measure);
  const small = Math.round(fontSize * 0.91);
  for (const tick of shapes.ticks)
    placer.place({
      text: tick.label,
      fontSize: small,
      at: [{ x: 4, y: tick.y - 3, anchor: 'start' }],
    });
  for (const gap of shapes.gaps)
    placer.place({
      text: gap.label,
      fontSize: small,
      at: [{ x: 4, y: gap.y - 3, anchor: 'start' }],
    });

  for (const band of shapes.bands) {
    // The name stays on screen while any of the band is: at its top, or at the view's top.
    const y = Math.min(
      Math.max(band.y1, context.viewTop) + fontSize + 1,
      Math.max(band.y1 + fontSize + 1, band.y2 - 3),
    );
    const x = context.width - 6;
    band.placed = placer.place({
      text: band.label,
      fontSize,
      at: [
        { x, y, anchor: 'end' },
        { x, y: y + fontSize + 3, anchor: 'end' },
      ],
    });
  }

  const markWish = (mark: Mark): LabelWish => {
    const toward = markSide(mark, lanes.serverX);
    const x = mark.x + toward * 9;
    const anchor = toward > 0 ? 'start' : 'end';
    const away = toward > 0 ? 'end' : 'start';
    const text = cut(mark.label);
    if (mark.shape === 'wait' && mark.y2 !== undefined) {
      const mid = Math.max(mark.y + 13, (mark.y + mark.y2) / 2 + 4);
      return {
        text,
        fontSize: small,
        at: [
          { x, y: mid, anchor },
          { x, y: mark.y + 13, anchor },
        ],
      };
    }
    if (mode === 'rows') {
      const y = mark.y + 4;
      return {
        text,
        fontSize: small,
        at: [
          { x, y, anchor },
          { x: mark.x - toward * 9, y, anchor: away },
        ],
      };
    }
    return {
      text,
      fontSize: small,
      at: [
        { x, y: mark.y + 13, anchor },
        { x, y: mark.y - 6, anchor },
        { x: mark.x - toward * 9, y: mark.y + 13, anchor: away },
      ],
    };
  };
  const urgent = shapes.marks.filter((m) => URGENT_MARKS.has(m.shape));
  for (const mark of urgent) mark.placed = placer.place(markWish(mark));

  for (const bar of shapes.bars) {
    if (!bar.open) continue;
    // Below the bar's end — below now, where nothing has happened yet — one line per column.
    const x = bar.x + bar.side * BAR_WIDTH;
    const anchor = bar.side > 0 ? 'start' : 'end';
    const y = bar.y2 + fontSize + 3 + bar.column * (fontSize + 3);
    // Placed with the widest the countdown can read, so its ticking never runs into a neighbour.
    const widest = openBarText({ ...bar, start: context.now - 888_800 }, context.now).replace(
      /in \d+\.\d s/,
      'in 888.8 s',
    );
    const placed = placer.place({
      text: widest,
      fontSize: small,
      at: [
        { x, y, anchor },
        { x, y: y + (fontSize + 3) * lanes.lanes.length, anchor },
      ],
    });
    bar.placed = placed && { ...placed, text: openBarText(bar, context.now) };
  }

  // The ordinary steps, in time order: a label that finds no room keeps to hover and focus.
  type Item = { y: number; arrow?: Arrow; mark?: Mark };
  const items: Item[] = [
    ...shapes.arrows.map((arrow) => ({ y: arrow.y, arrow })),
    ...shapes.marks.filter((m) => !URGENT_MARKS.has(m.shape)).map((mark) => ({ y: mark.y, mark })),
  ].sort((a, b) => a.y - b.y);
  for (const item of items) {
    if (item.mark) {
      item.mark.placed = placer.place(markWish(item.mark));
      continue;
    }
    const arrow = item.arrow!;
    const toServer = arrow.to === SERVER_ACTOR;
    const clientX = toServer ? arrow.x1 : arrow.x2;
    const serverEdge = toServer ? arrow.x2 : arrow.x1;
    const toward = serverEdge >= clientX ? 1 : -1;
    const text = arrow.count > 1 ? `${arrow.label} (×${arrow.count})` : arrow.label;
    const y = arrow.y - (mode === 'rows' ? 3 : 4);
    arrow.placed = placer.place({
      text,
      fontSize,
      at: [
        // Beside the participant's lane, toward the server; else beside the server, toward the participant.
        { x: clientX + toward * 10, y, anchor: toward > 0 ? 'start' : 'end' },
        { x: serverEdge - toward * 10, y, anchor: toward > 0 ? 'end' : 'start' },
      ],
    });
  }

  // A held poll, a stream or a socket names its owner at its top, where there is room (a short request does not: its arrows do).
  for (const bar of shapes.bars) {
    if (bar.open || bar.kind === 'request') continue;
    const x = bar.x + bar.side * (BAR_WIDTH / 2 + 2);
    const anchor = bar.side > 0 ? 'start' : 'end';
    bar.placed = placer.place({
      text: laneTitle(bar.actor),
      fontSize: Math.round(fontSize * 0.82),
      at: [{ x, y: bar.y1 + fontSize, anchor }],
    });
  }
}

/** Which way a mark's label goes: toward the server from a participant's lane (a receipt: away from it). */
function markSide(mark: Mark, serverX: number): 1 | -1 {
  // From the server's column, away from the participant, where its arrows are not.
  if (mark.actor === SERVER_ACTOR) return mark.x >= serverX ? -1 : 1;
  const toServer = mark.x <= serverX ? 1 : -1;
  return mark.kind === 'deliver' ? (-toServer as 1 | -1) : toServer;
}

/**
 * Folds arrows that the screen cannot show apart (same lanes, same look, within
 * BUNDLE_PX) into one that carries their count; a lone arrow stays the same
 * object.
 */
export function bundleArrows(arrows: readonly Arrow[]): Arrow[] {
  const out: Arrow[] = [];
  const open = new Map<string, number>();
  for (const arrow of arrows) {
    const key = `${arrow.from}>${arrow.to}|${arrow.variant}|${arrow.kind}`;
    const at = open.get(key);
    const head = at === undefined ? undefined : out[at]!;
    if (head && arrow.y - head.y < BUNDLE_PX) {
      out[at!] = { ...head, count: head.count + 1 };
      continue;
    }
    open.set(key, out.length);
    out.push(arrow);
  }
  return out;
}

export { estimateWidth };
