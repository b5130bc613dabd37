import { LabelPlacer, type LabelWish } from './labels';
import { BAR_WIDTH, laneTitle, type LanePlacement } from './lanes';
import { openBarText } from './bars';
import type { Arrow, Band, Bar, DiagramMode, Gap, Mark, Tick } from './shapes';
import type { LayoutCache } from './layout-cache';
import { SERVER_ACTOR } from './trace-index';

/** The third pass: every label of a laid-out window gets a free place, or none. */

export interface LabelContext {
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

/** The time margin: each tick's time and each gap's length, at the left edge. */
function placeMargin(placer: LabelPlacer, labels: ReadonlyArray<Tick | Gap>, small: number): void {
  for (const label of labels)
    placer.place({
      text: label.label,
      fontSize: small,
      at: [{ x: 4, y: label.y - 3, anchor: 'start' }],
    });
}

/** A band's name stays on screen while any of the band is: at its top, or at the view's top. */
function placeBands(placer: LabelPlacer, bands: readonly Band[], context: LabelContext): void {
  const { fontSize } = context;
  for (const band of bands) {
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
}

/** Where a mark's label may go: beside a wait's middle, beside a row's mark, or below, above or across from a mark. */
function markWish(mark: Mark, context: LabelContext, small: number): LabelWish {
  const toward = markSide(mark, context.lanes);
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
  // Beside the mark, between the arrows above and below it: a row's mark, and any mark of a
  // Scaling lab trace, whose arrows keep only a label apart across every lane.
  if (context.mode === 'rows' || context.lanes.server !== SERVER_ACTOR) {
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
}

/** An open bar's countdown, below the bar's end — below now, where nothing has happened yet — one line per column. */
function placeCountdowns(
  placer: LabelPlacer,
  bars: readonly Bar[],
  context: LabelContext,
  small: number,
): void {
  const { fontSize, lanes } = context;
  for (const bar of bars) {
    if (!bar.open) continue;
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
}

/**
 * Beside the participant's lane, toward the server; else beside the server,
 * toward the participant. Between two server lanes (Scaling lab): beside
 * where it starts, else beside where it ends.
 */
function arrowWish(arrow: Arrow, fontSize: number, servers: ReadonlySet<string>): LabelWish {
  const nearStart = !servers.has(arrow.from) || servers.has(arrow.to);
  const clientX = nearStart ? arrow.x1 : arrow.x2;
  const serverEdge = nearStart ? arrow.x2 : arrow.x1;
  const toward = serverEdge >= clientX ? 1 : -1;
  const text = arrow.count > 1 ? `${arrow.label} (×${arrow.count})` : arrow.label;
  const y = arrow.y - 4;
  return {
    text,
    fontSize,
    at: [
      { x: clientX + toward * 10, y, anchor: toward > 0 ? 'start' : 'end' },
      { x: serverEdge - toward * 10, y, anchor: toward > 0 ? 'end' : 'start' },
    ],
  };
}

/** A held poll, a stream or a socket names its owner at its top, where there is room (a short request does not: its arrows do). */
function placeOwnerTags(placer: LabelPlacer, bars: readonly Bar[], fontSize: number): void {
  for (const bar of bars) {
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

/**
 * Third pass: every label gets a free place or none. Fixed labels first (the
 * time margin), then what must be read (fault names, errors, closes,
 * countdowns), then the ordinary steps in time order, then owner tags.
 */
export function placeLabels(
  shapes: {
    arrows: Arrow[];
    marks: Mark[];
    /** Arrows and marks together, top to bottom (the order the ordinary labels are placed in). */
    steps: ReadonlyArray<Arrow | Mark>;
    bands: Band[];
    bars: Bar[];
    ticks: Tick[];
    gaps: Gap[];
  },
  context: LabelContext,
): void {
  const { fontSize } = context;
  const placer = new LabelPlacer(context.measure, context.width);
  const small = Math.round(fontSize * 0.91);
  placeMargin(placer, shapes.ticks, small);
  placeMargin(placer, shapes.gaps, small);
  placeBands(placer, shapes.bands, context);
  const urgent = shapes.marks.filter((m) => URGENT_MARKS.has(m.shape));
  for (const mark of urgent) mark.placed = placer.place(markWish(mark, context, small));
  placeCountdowns(placer, shapes.bars, context, small);
  // The ordinary steps, in time order: a label that finds no room keeps to hover and focus.
  for (const step of shapes.steps) {
    if (!isArrow(step)) {
      if (!URGENT_MARKS.has(step.shape)) step.placed = placer.place(markWish(step, context, small));
      continue;
    }
    step.placed = placer.place(arrowWish(step, fontSize, context.lanes.servers));
  }
  placeOwnerTags(placer, shapes.bars, fontSize);
}

/** Which way a mark's label goes: toward the server from a participant's lane (a receipt: away from it). */
function markSide(mark: Mark, lanes: LanePlacement): 1 | -1 {
  const serverX = lanes.serverX;
  // From the server's column, away from the participant, where its arrows are not.
  if (lanes.servers.has(mark.actor))
    return mark.x >= (lanes.laneX.get(mark.actor) ?? serverX) ? -1 : 1;
  const toServer = mark.x <= serverX ? 1 : -1;
  return mark.kind === 'deliver' ? (-toServer as 1 | -1) : toServer;
}

function isArrow(step: Arrow | Mark): step is Arrow {
  return 'variant' in step;
}
