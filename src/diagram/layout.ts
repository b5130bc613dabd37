import { rowsAxis, timeAxis, type Axis, type Placed, type SequenceWindow } from './axis';
import { spanBar } from './bars';
import { LayoutCache } from './layout-cache';
import { placeLabels } from './label-pass';
import { placeLanes, type LanePlacement } from './lanes';
import type { Arrow, Band, Bar, Mark, SequenceLayout } from './shapes';
import { ALL_STEPS, participantOf, type StepFilter, type StepSpec } from './steps';
import { SERVER_ACTOR, type TraceIndex } from './trace-index';

export { isDrawn } from '../core';
export { BUNDLE_PX, LABEL_SPACING, ROW_HEIGHT, rowsThatFit, type SequenceWindow } from './axis';
export { countdownTime, openBarText } from './bars';
export { estimateWidth } from './labels';
export { BAR_WIDTH } from './lanes';
export { LayoutCache } from './layout-cache';
export type * from './shapes';

/**
 * Lays out the part of a trace in view, in three passes: lanes (lanes.ts),
 * then each step's shape from the per-kind table (steps.ts) at its height on
 * the time axis (axis.ts) — to scale, or one row per step (rows.ts) — with
 * the bars of what lasts (bars.ts), then labels that never overlap
 * (label-pass.ts). Pure: no DOM, and the work grows with what is visible,
 * not with the whole history.
 */

/** A step drawn as an arrow: between the participant's lane and the server's column, up or down. */
function stepArrow(
  { event, y, count }: Placed,
  spec: Extract<StepSpec, { shape: 'arrow' }>,
  client: string,
  lanes: LanePlacement,
): Arrow {
  const x = lanes.laneX.get(client)!;
  const edgeX = lanes.columnOf(client).x;
  const up = spec.from === 'client';
  return {
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
    count: count ?? 1,
    variant: spec.variant,
  };
}

/** The second pass: each step's arrow or mark, and both in the order of the steps. */
function stepShapes(
  axis: Axis,
  lanes: LanePlacement,
): { arrows: Arrow[]; marks: Mark[]; ordered: Array<Arrow | Mark> } {
  const arrows: Arrow[] = [];
  const marks: Mark[] = [];
  const ordered: Array<Arrow | Mark> = [];
  for (const placed of axis.steps) {
    const { event, spec, y } = placed;
    const client = participantOf(event)!;
    if (spec.shape === 'arrow') {
      const arrow = stepArrow(placed, spec, client, lanes);
      arrows.push(arrow);
      ordered.push(arrow);
      continue;
    }
    const m: Mark = {
      seq: event.seq,
      kind: event.kind,
      conn: event.conn,
      actor: spec.atServer ? SERVER_ACTOR : client,
      x: spec.atServer ? lanes.columnOf(client).x : lanes.laneX.get(client)!,
      y: axis.mode === 'rows' ? y - 4 : y,
      shape: spec.mark,
      label: spec.label,
      placed: null,
    };
    if (spec.lastsMs !== undefined) m.y2 = axis.y(event.t + spec.lastsMs);
    marks.push(m);
    ordered.push(m);
  }
  return { arrows, marks, ordered };
}

/** A fault that lasts is a band to its end (or to now); an instant one (a drop) a thin line. */
function faultBands(index: TraceIndex, axis: Axis, now: number): Band[] {
  return index.faultsBetween(axis.t0, axis.t1).map((fault) => ({
    seq: fault.seq,
    y1: axis.y(fault.start),
    y2: axis.y(fault.end ?? now),
    label: fault.label,
    placed: null,
  }));
}

/** What lasts in view as bars, on the lanes shown (the sender's publishes left out when only receivers are). */
function spanBars(
  index: TraceIndex,
  axis: Axis,
  lanes: LanePlacement,
  filter: StepFilter,
  now: number,
): Bar[] {
  const bars: Bar[] = [];
  for (const span of index.spans.overlapping(axis.t0, axis.t1)) {
    if (!lanes.laneX.has(span.actor)) continue;
    if (filter.receiversOnly && span.actor === filter.sender && span.conn.includes('-publish-'))
      continue;
    bars.push(spanBar(span, lanes, axis.y, now));
  }
  return bars;
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
  const input = { index, window, cache, lanes, filter, top };
  const axis = window.mode === 'rows' ? rowsAxis(input, fontSize) : timeAxis(input);
  const now = window.now ?? axis.t1;

  // Second pass: shapes.
  const { arrows, marks, ordered } = stepShapes(axis, lanes);
  const bands = faultBands(index, axis, now);
  const bars = spanBars(index, axis, lanes, filter, now);

  const shown = arrows;
  placeLabels(
    { arrows: shown, marks, steps: ordered, bands, bars, ticks: axis.ticks, gaps: axis.gaps },
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
