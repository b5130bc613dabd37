import { rowsAxis, timeAxis, type Axis, type Placed, type SequenceWindow } from './axis';
import { spanBar } from './bars';
import { LayoutCache } from './layout-cache';
import { placeLabels } from './label-pass';
import { placeLanes, type LanePlacement } from './lanes';
import type { Arrow, Band, Bar, Mark, SequenceLayout } from './shapes';
import { ALL_STEPS, participantOf, type StepFilter, type StepSpec } from './steps';
import type { TraceEvent } from '../core';
import { isGateway } from './scale';
import type { TraceIndex } from './trace-index';

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

/**
 * The server end of a step: the server's column for the participant, or, in
 * the Scaling lab, a gateway's (a gateway's own steps, and the bars of the
 * connections it holds, sit beside its lifeline).
 */
function serverEnd(event: TraceEvent, client: string, lanes: LanePlacement) {
  const gateway = event.observer === 'server' && isGateway(event.actor) ? event.actor : null;
  return gateway && lanes.laneX.has(gateway)
    ? { actor: gateway, x: lanes.columnBeside(client, gateway).x }
    : { actor: lanes.server, x: lanes.columnOf(client).x };
}

/**
 * A step drawn as an arrow: between the participant's lane and the server's
 * column, up or down. A gateway's step runs between its column and the
 * balancer, which carries it to and from the participant.
 */
function stepArrow(
  { event, y, count }: Placed,
  spec: Extract<StepSpec, { shape: 'arrow' }>,
  client: string,
  lanes: LanePlacement,
): Arrow {
  const server = serverEnd(event, client, lanes);
  const other = server.actor === lanes.server ? client : lanes.server;
  const x = lanes.laneX.get(other)!;
  const up = spec.from === 'client';
  return {
    seq: event.seq,
    kind: event.kind,
    conn: event.conn,
    from: up ? other : server.actor,
    to: up ? server.actor : other,
    x1: up ? x : server.x,
    x2: up ? server.x : x,
    y,
    label: spec.label,
    placed: null,
    count: count ?? 1,
    variant: spec.variant,
  };
}

/** Scaling lab: an arrow between two server lanes (to a participant's column beside the second, when it has one). */
function linkArrow(
  { event, y, count }: Placed,
  spec: Extract<StepSpec, { shape: 'link' }>,
  lanes: LanePlacement,
): Arrow | null {
  const x1 = lanes.laneX.get(spec.from);
  const to = lanes.laneX.get(spec.to);
  if (x1 === undefined || to === undefined) return null;
  const column = spec.column;
  const x2 =
    column !== undefined && lanes.laneX.has(column) ? lanes.columnBeside(column, spec.to).x : to;
  return {
    seq: event.seq,
    kind: event.kind,
    conn: event.conn,
    from: spec.from,
    to: spec.to,
    x1,
    x2,
    y,
    label: spec.label,
    placed: null,
    count: count ?? 1,
    variant: spec.variant,
  };
}

/** A step drawn as a mark: on the participant's lane, at the server's side, or on a server lane of its own. */
function stepMark(
  { event, y }: Placed,
  spec: Extract<StepSpec, { shape: 'mark' }>,
  client: string,
  lanes: LanePlacement,
  axis: Axis,
): Mark | null {
  const server = spec.atServer ? serverEnd(event, client, lanes) : null;
  const actor = spec.lane ?? server?.actor ?? client;
  const x =
    spec.lane !== undefined ? lanes.laneX.get(spec.lane) : (server?.x ?? lanes.laneX.get(client));
  if (x === undefined) return null;
  const m: Mark = {
    seq: event.seq,
    kind: event.kind,
    conn: event.conn,
    actor,
    x,
    y: axis.mode === 'rows' ? y - 4 : y,
    shape: spec.mark,
    label: spec.label,
    placed: null,
  };
  if (spec.lastsMs !== undefined) m.y2 = axis.y(event.t + spec.lastsMs);
  return m;
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
    const { event, spec } = placed;
    const client = participantOf(event)!;
    if (spec.shape === 'mark') {
      const m = stepMark(placed, spec, client, lanes, axis);
      if (!m) continue;
      marks.push(m);
      ordered.push(m);
      continue;
    }
    const arrow =
      spec.shape === 'arrow'
        ? stepArrow(placed, spec, client, lanes)
        : linkArrow(placed, spec, lanes);
    if (!arrow) continue;
    arrows.push(arrow);
    ordered.push(arrow);
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
    // Scaling lab: a connection's bar sits beside the gateway it was routed to.
    const gateway = index.scale.gatewayOfConn.get(span.conn);
    bars.push(spanBar(span, lanes, axis.y, now, gateway));
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
  const lanes = placeLanes(
    index.actors,
    window.actors,
    window.width,
    index.scale.lanes,
    index.simulated,
  );
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
