import { scaleLinear } from 'd3-scale';
import {
  closeLabel,
  frameLabel,
  idList,
  msLabel,
  requestLabel,
  responseLabel,
  type TraceEvent,
  type TraceKind,
} from '../core';

export { isDrawn } from '../core';
import type { Span } from './spans';
import { SERVER_ACTOR, TraceIndex } from './trace-index';

/** What part of the trace to lay out, and into how much room. Time runs downward. */
export interface SequenceWindow {
  /** Visible time range, ms on the trace's clock. */
  t0: number;
  t1: number;
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
   * The time that sits at y = top. Defaults to t0. A renderer that scrolls keeps
   * it fixed and translates the drawing by `scrollY`, so shapes keep their
   * coordinates from frame to frame and only new ones are drawn.
   */
  anchor?: number;
}

export interface Lane {
  actor: string;
  label: string;
  x: number;
  role: 'client' | 'server';
}

/** How an arrow looks, so that a wasted round trip reads differently from a useful one. */
export type ArrowVariant =
  'request' | 'response' | 'wasted' | 'error' | 'event' | 'frame' | 'control' | 'upgrade';

export interface Arrow {
  seq: number;
  kind: TraceKind;
  conn: string;
  from: string;
  to: string;
  x1: number;
  x2: number;
  y: number;
  label: string;
  /** False when the label would overlap the one just above it (it stays in the inspector and the tooltip). */
  showLabel: boolean;
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
  remainingMs?: number;
  label: string;
}

export type MarkShape = 'cross' | 'dot' | 'wait' | 'close' | 'tick' | 'switch';

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
  /** Which way its label goes: toward the server from a participant's lane, toward the participant from the server's. */
  towardServer: 1 | -1;
}

export interface Band {
  seq: number;
  y1: number;
  y2: number;
  label: string;
}

export interface Tick {
  t: number;
  y: number;
  label: string;
}

export interface SequenceLayout {
  lanes: Lane[];
  arrows: Arrow[];
  bars: Bar[];
  marks: Mark[];
  bands: Band[];
  ticks: Tick[];
  /** The time → y mapping used, for the renderer's pointer and countdowns. */
  y: (t: number) => number;
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
}

/** Arrows of one kind between the same lanes closer than this (px) are drawn as one, with a count. */
export const BUNDLE_PX = 2;

/** Labels closer than this (px) to the previous one on the same lane pair are left out: they would overlap. */
export const LABEL_SPACING = 13;

export const BAR_WIDTH = 8;

const LANE_MARGIN = 70;

function laneOrder(index: TraceIndex, preferred: readonly string[] | undefined): string[] {
  const clients = [...(preferred ?? [])];
  for (const actor of index.actors) if (!clients.includes(actor)) clients.push(actor);
  if (clients.length === 0) return [SERVER_ACTOR];
  return [clients[0]!, SERVER_ACTOR, ...clients.slice(1)];
}

function title(actor: string): string {
  return actor === SERVER_ACTOR ? 'Server' : actor.charAt(0).toUpperCase() + actor.slice(1);
}

/**
 * Lays out the part of a trace inside a time window: lanes, arrows, activation
 * bars, marks, fault bands and the time axis, with their coordinates. Pure: no
 * DOM, and the work grows with what is visible, not with the whole history.
 */
export function layoutSequence(index: TraceIndex, window: SequenceWindow): SequenceLayout {
  const top = window.top ?? 40;
  const now = window.now ?? window.t1;
  const origin = window.origin ?? index.first ?? window.t0;
  const anchor = window.anchor ?? window.t0;
  const visibleMs = Math.max(1e-9, window.t1 - window.t0);
  // The same mapping as d3's scaleLinear().domain([anchor, anchor + visibleMs]).range([top, height]),
  // written out: it runs for every visible step on every frame.
  const pxPerMs = (window.height - top) / visibleMs;
  const y = (t: number): number => top + (t - anchor) * pxPerMs;
  const actors = laneOrder(index, window.actors);
  const generation = `${window.t0}|${window.t1}|${anchor}|${window.width}|${window.height}|${top}|${actors.join(',')}`;
  const span = Math.max(1, actors.length - 1);
  const lanes: Lane[] = actors.map((actor, i) => ({
    actor,
    label: title(actor),
    role: actor === SERVER_ACTOR ? 'server' : 'client',
    x:
      actors.length === 1
        ? window.width / 2
        : LANE_MARGIN + ((window.width - 2 * LANE_MARGIN) * i) / span,
  }));
  const laneX = new Map(lanes.map((lane) => [lane.actor, lane.x]));
  const serverX = laneX.get(SERVER_ACTOR)!;
  const clientOrder = actors.filter((a) => a !== SERVER_ACTOR);
  // Each client's connections get their own column beside the server's lifeline,
  // on the side the client's lane is on, so parallel streams never overlap.
  const columns = new Map<string, { side: 1 | -1; column: number; x: number }>();
  const columnOf = (actor: string): { side: 1 | -1; column: number; x: number } => {
    const known = columns.get(actor);
    if (known) return known;
    const side: 1 | -1 = (laneX.get(actor) ?? serverX) < serverX ? -1 : 1;
    const sameSide = clientOrder.filter(
      (a) => ((laneX.get(a) ?? serverX) < serverX ? -1 : 1) === side,
    );
    const column = Math.max(0, sameSide.indexOf(actor));
    const placed = {
      side,
      column,
      x: serverX + side * (BAR_WIDTH / 2 + 2 + column * (BAR_WIDTH + 3)),
    };
    columns.set(actor, placed);
    return placed;
  };
  const columnX = (actor: string): number => columnOf(actor).x;

  const arrows: Arrow[] = [];
  const lastLabelY = new Map<string, number>();
  const lastArrowY = new Map<string, number>();
  const marks: Mark[] = [];
  const bands: Band[] = [];
  // The step being laid out; the two helpers below read it (made once, not per event).
  let event!: TraceEvent;
  let client = '';
  let x = 0;
  let edgeX = 0;
  const arrow = (from: 'client' | 'server', label: string, variant: ArrowVariant): void => {
    const up = from === 'client';
    // A response that follows its request within a few ms would sit on top of
    // it: consecutive arrows keep a label's height apart
    // (per participant's lane, so a re-poll right after an answer shows too), but
    // never more than a few labels below its true time, however dense the traffic.
    const before = lastArrowY.get(client);
    const previous = lastLabelY.get(client);
    // Same view, same step, same neighbours above: the same arrow as last frame.
    const cached = arrowCache.get(event);
    if (
      cached &&
      cached.generation === generation &&
      cached.before === before &&
      cached.previous === previous
    ) {
      arrows.push(cached.arrow);
      lastArrowY.set(client, cached.arrow.y);
      if (cached.arrow.showLabel) lastLabelY.set(client, cached.arrow.y);
      return;
    }
    const trueY = y(event.t);
    const yy =
      before === undefined
        ? trueY
        : Math.min(Math.max(trueY, before + LABEL_SPACING), trueY + 3 * LABEL_SPACING);
    lastArrowY.set(client, yy);
    const showLabel = previous === undefined || yy - previous >= LABEL_SPACING;
    if (showLabel) lastLabelY.set(client, yy);
    const made: Arrow = {
      seq: event.seq,
      kind: event.kind,
      conn: event.conn,
      from: up ? client : SERVER_ACTOR,
      to: up ? SERVER_ACTOR : client,
      x1: up ? x : edgeX,
      x2: up ? edgeX : x,
      y: yy,
      label,
      showLabel,
      count: 1,
      variant,
    };
    arrowCache.set(event, { generation, before, previous, arrow: made });
    arrows.push(made);
  };
  const mark = (shape: MarkShape, label: string, atServer = false, y2?: number): void => {
    const m: Mark = {
      seq: event.seq,
      kind: event.kind,
      conn: event.conn,
      actor: atServer ? SERVER_ACTOR : client,
      x: atServer ? edgeX : x,
      y: y(event.t),
      shape,
      label,
      // From the server's column, labels go to the side away from the participant, where its arrows are not.
      // A receipt's short label goes outside the lane, clear of the re-poll that follows it.
      towardServer: labelSide(atServer, x, serverX, event.kind),
    };
    if (y2 !== undefined) m.y2 = y2;
    marks.push(m);
  };
  for (const next of index.between(window.t0, window.t1)) {
    event = next;
    const participant = event.observer === 'client' ? event.actor : event.peer;
    if (participant === undefined) continue;
    const laneXOf = laneX.get(participant);
    if (laneXOf === undefined) continue;
    client = participant;
    x = laneXOf;
    edgeX = columnX(client);
    if (event.observer === 'server') {
      // The server's view adds what the browser cannot see: heartbeats, and why a hold ended.
      if (event.kind === 'ping')
        arrow('server', event.technique === 'sse' ? ': heartbeat' : 'ping', 'control');
      else if (event.kind === 'pong') arrow('client', 'pong', 'control');
      else if (event.kind === 'timeout')
        mark('tick', `timeout after ${msLabel(event.details?.delayMs)}`, true);
      else if (event.kind === 'publish') mark('dot', `publish #${idList(event)}`, true);
      continue;
    }
    switch (event.kind) {
      case 'request':
        arrow(
          'client',
          labelOf(event, requestLabel),
          event.technique === 'websocket' ? 'upgrade' : 'request',
        );
        break;
      case 'response':
        arrow('server', labelOf(event, responseLabel), responseVariant(event));
        break;
      case 'sse-open':
        arrow(
          'server',
          `200 text/event-stream${event.details?.retryMs !== undefined ? ` · retry: ${event.details.retryMs}` : ''}`,
          'upgrade',
        );
        break;
      case 'sse-event':
        arrow(
          'server',
          `id ${event.details?.lastEventId ?? idList(event)} · ${event.details?.eventType ?? 'message'}`,
          'event',
        );
        break;
      case 'ws-open':
        arrow('server', '101 Switching Protocols', 'upgrade');
        break;
      case 'ws-frame':
      case 'ping':
      case 'pong':
        arrow(
          event.dir === 'up' ? 'client' : 'server',
          labelOf(event, frameLabel),
          event.kind === 'ws-frame' ? 'frame' : 'control',
        );
        break;
      case 'close':
        mark('close', closeLabel(event));
        break;
      case 'error':
        mark('cross', event.details?.error ?? event.details?.errorCode ?? 'error');
        break;
      case 'reconnect-wait': {
        const delay = event.details?.delayMs ?? 0;
        mark('wait', `wait ${msLabel(delay)}`, false, y(event.t + delay));
        break;
      }
      case 'reconnect':
        mark(
          'dot',
          event.details?.lastEventId
            ? `reconnect · Last-Event-ID: ${event.details.lastEventId}`
            : 'reconnect',
        );
        break;
      case 'deliver':
        mark('dot', `${event.details?.duplicate ? 'duplicate ' : ''}#${idList(event)}`);
        break;
      case 'fallback':
        mark(
          'switch',
          /back to WebSocket|works again/.test(event.details?.note ?? '')
            ? 'back to WebSocket'
            : 'fallback → long polling',
        );
        break;
      default:
        break;
    }
  }
  for (const fault of index.faultsBetween(window.t0, window.t1)) {
    // A fault that lasts is a band to its end (or to now); an instant one (a drop) a thin line.
    const end = fault.end ?? now;
    bands.push({ seq: fault.seq, y1: y(fault.start), y2: y(end), label: fault.label });
  }

  const bars: Bar[] = [];
  for (const s of index.spans.overlapping(window.t0, window.t1)) {
    if (!laneX.has(s.actor)) continue;
    // A finished span draws the same until the view changes: reuse its bar.
    const cached = s.end !== null ? closedBars.get(s) : undefined;
    if (cached && cached.generation === generation) {
      bars.push(cached.bar);
      continue;
    }
    const { x: barX, side, column } = columnOf(s.actor);
    const bar: Bar = { ...spanBar(s, barX, y, now), side, column };
    if (s.end !== null) closedBars.set(s, { generation, bar });
    bars.push(bar);
  }

  const ticks = scaleLinear()
    .domain([window.t0, window.t1])
    .ticks(8)
    .map((t) => ({ t, y: y(t), label: `${Math.round(t - origin)} ms` }));
  return {
    lanes,
    arrows: bundleArrows(arrows),
    bars,
    marks,
    bands,
    ticks,
    y,
    t0: window.t0,
    t1: window.t1,
    scrollY: y(window.t0) - top,
    generation,
  };
}

function spanBar(
  s: Span,
  x: number,
  y: (t: number) => number,
  now: number,
): Omit<Bar, 'side' | 'column'> {
  const end = s.end ?? now;
  const kind: BarKind =
    s.kind === 'sse'
      ? 'sse-open'
      : s.kind === 'ws'
        ? 'ws-open'
        : s.technique === 'long-poll'
          ? 'hold'
          : 'request';
  const bar: Omit<Bar, 'side' | 'column'> = {
    conn: s.conn,
    kind,
    actor: s.actor,
    x,
    y1: y(s.start),
    y2: y(Math.max(end, s.start)),
    open: s.end === null,
    startSeq: s.startSeq,
    start: s.start,
    end: s.end,
    label:
      s.end === null
        ? `open ${msLabel(now - s.start)}`
        : `${kind === 'hold' ? 'held' : 'open'} ${msLabel(s.end - s.start)}`,
  };
  if (s.timeoutMs !== undefined) {
    bar.timeoutY = y(s.start + s.timeoutMs);
    if (s.end === null) {
      bar.remainingMs = Math.max(0, s.start + s.timeoutMs - now);
      bar.label = `held ${msLabel(now - s.start)} · times out in ${msLabel(bar.remainingMs)}`;
    }
  }
  return bar;
}

/** Which way a mark's label goes (see Mark.towardServer). */
function labelSide(atServer: boolean, x: number, serverX: number, kind: TraceKind): 1 | -1 {
  const toServer = x <= serverX ? 1 : -1;
  if (atServer) return x >= serverX ? -1 : 1;
  return kind === 'deliver' ? (-toServer as 1 | -1) : toServer;
}

/**
 * Folds arrows that the screen cannot show apart (same lanes, same look, within
 * BUNDLE_PX) into one that carries their count; a lone arrow stays the same
 * object, so it keeps its identity from frame to frame.
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

const arrowCache = new WeakMap<
  TraceEvent,
  { generation: string; before: number | undefined; previous: number | undefined; arrow: Arrow }
>();
const closedBars = new WeakMap<Span, { generation: string; bar: Bar }>();

/** A step's label depends on the step alone: made once per event, not once per frame. */
const labels = new WeakMap<TraceEvent, string>();
function labelOf(event: TraceEvent, make: (event: TraceEvent) => string): string {
  let label = labels.get(event);
  if (label === undefined) {
    label = make(event);
    labels.set(event, label);
  }
  return label;
}

function responseVariant(event: TraceEvent): ArrowVariant {
  const status = event.details?.status ?? 0;
  if (status >= 400 || status === 0) return 'error';
  return event.empty ? 'wasted' : 'response';
}
