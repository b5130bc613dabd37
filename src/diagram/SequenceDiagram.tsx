import { select } from 'd3-selection';
import { zoom, zoomIdentity, type D3ZoomEvent } from 'd3-zoom';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type KeyboardEvent,
  type RefObject,
} from 'react';
import { traceClock } from '../core/clock';
import type { TraceEvent } from '../core';
import type { TraceStore } from '../store/trace-store';
import { neighbourStep } from './inspect';
import { pageMeasure } from './page-measure';
import {
  LayoutCache,
  layoutSequence,
  openBarText,
  rowsThatFit,
  type SequenceLayout,
} from './layout';
import { RunOverview } from './Overview';
import { ARROW_STYLE, BAR_STYLE } from './palette';
import { SequenceShapes } from './SequenceShapes';
import { participantOf, type StepFilter } from './steps';
import { traceIndexFor, type TraceIndex } from './trace-index';
import {
  fitRun,
  follow,
  INITIAL_VIEW,
  isFollowing,
  pause,
  sameShown,
  spanOf,
  windowEndingAt,
  windowFrom,
  withMode,
  withReceiversOnly,
  zoomTo,
  type DiagramView,
  type ShownWindow,
} from '../core/diagram-view';

export { INITIAL_VIEW, type DiagramView } from '../core/diagram-view';

export interface SequenceDiagramProps {
  store: TraceStore;
  /** Lane order of the participants (the sender first). */
  actors?: readonly string[];
  /** The page's clock, for following live traffic. */
  now?: () => number;
  /** Called when the user picks a step (click or Enter). */
  onSelect?: (seq: number) => void;
  selectedSeq?: number | null;
  width?: number;
  height?: number;
  /** Reports each render's cost (layout + React render + commit), in ms: the benchmark listens. */
  onRenderWork?: (ms: number) => void;
  /**
   * The view, held by a store (the playground's, compare mode's shared one):
   * when given, this diagram shows it and reports every gesture to
   * onViewChange instead of keeping a view of its own.
   */
  view?: DiagramView;
  onViewChange?: (view: DiagramView) => void;
  /** Told the window the diagram resolved its view to, whenever that changes (exports read it). */
  onShown?: (shown: ShownWindow) => void;
  /** Where paging starts (default the first event): diagrams that share a view share it too. */
  anchor?: number;
  /** Draw the toolbar, the run's overview strip and the legend (default true). */
  chrome?: boolean;
  /** Label size, px (presenter mode draws larger). Default 11. */
  fontSize?: number;
}

/** Room for the run's overview strip on the diagram's right. */
export const OVERVIEW_WIDTH = 40;

/** The drawing's own width in a diagram of `width` with its overview strip. */
export function diagramWidth(width: number): number {
  return Math.max(200, width - OVERVIEW_WIDTH - 4);
}
export const DIAGRAM_TOP = 48;
const TOP = DIAGRAM_TOP;

/**
 * While following, the time view moves in half-window pages rather than
 * crawling: "now" stays between 10 % and 60 % of a window above the bottom
 * edge, the picture holds still in between (easier to read), and only new
 * shapes are painted until the next page.
 */
export function followPage(anchor: number, now: number, spanMs: number): number {
  const page = spanMs / 2;
  const paged = anchor + Math.ceil((now - anchor + spanMs * 0.1) / page) * page;
  // The first page starts just above the first event rather than in the empty past.
  return Math.max(paged, anchor - spanMs * 0.03 + spanMs);
}

/** Live traffic redraws the diagram at most this often (ms): a class cannot read faster, and frames stay free. */
const REDRAW_MS = 40;

const throttles = new WeakMap<TraceStore, (listener: () => void) => () => void>();

/**
 * The store's subscribe, with changes passed on at most every REDRAW_MS: a
 * burst of events becomes one redraw, and the last change always arrives.
 */
function throttled(store: TraceStore): (listener: () => void) => () => void {
  let subscribe = throttles.get(store);
  if (subscribe) return subscribe;
  subscribe = (listener) => {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const fire = () => {
      timer = null;
      last = performance.now();
      listener();
    };
    const unsubscribe = store.subscribe(() => {
      if (timer !== null) return;
      const wait = REDRAW_MS - (performance.now() - last);
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    });
    return () => {
      if (timer !== null) clearTimeout(timer);
      unsubscribe();
    };
  };
  throttles.set(store, subscribe);
  return subscribe;
}

/** The window the view asks for, in the terms the layout takes. */
function resolveWindow(
  view: DiagramView,
  index: TraceIndex,
  cache: LayoutCache,
  filter: StepFilter,
  anchor: number,
  now: number,
): { t0: number; t1: number; firstRow?: number } {
  if (view.mode === 'rows') {
    if (view.window.kind === 'follow') return { t0: now, t1: now };
    return {
      t0: view.window.t0,
      t1: view.window.t1,
      firstRow: cache.rows(index, filter).rowAt(view.window.t0),
    };
  }
  if (view.window.kind === 'fixed') return { t0: view.window.t0, t1: view.window.t1 };
  const span = view.window.spanMs;
  const t1 = followPage(anchor, Math.max(now, index.last ?? now), span);
  return { t0: t1 - span, t1 };
}

/**
 * Open bars grow and countdowns tick between renders: the frame loop moves
 * just those, so the rest of the diagram is drawn only when the trace or the
 * view changes.
 */
function updateOpenBars(svg: SVGSVGElement, layout: SequenceLayout, now: number): void {
  for (const bar of svg.querySelectorAll<SVGGElement>('g.seq-bar[data-open="true"]')) {
    const start = Number(bar.dataset.start);
    const timeoutAt =
      bar.dataset.timeoutAt === undefined ? undefined : Number(bar.dataset.timeoutAt);
    const y2 = layout.y(now);
    if (layout.mode === 'time') {
      bar.querySelector('rect')?.setAttribute('height', String(Math.max(2, y2 - layout.y(start))));
    }
    const label = bar.querySelector<SVGTextElement>('text.seq-bar-label');
    if (!label) continue;
    const text = openBarText(
      {
        actor: bar.dataset.actor ?? '',
        kind: bar.dataset.kind === 'hold' ? 'hold' : 'request',
        start,
        ...(timeoutAt !== undefined ? { timeoutAt } : {}),
      },
      now,
    );
    if (label.textContent !== text) label.textContent = text;
    if (layout.mode === 'time')
      label.setAttribute('y', String(y2 + Number(label.dataset.offset ?? 0)));
  }
}

/** Everything the gesture handlers and the frame loop need, as of the last render. */
interface LatestRender {
  view: DiagramView;
  shown: ShownWindow;
  layout: SequenceLayout;
  index: TraceIndex;
  filter: StepFilter;
  anchor: number;
  now: () => number;
  setView: (next: DiagramView) => void;
  onShown: ((shown: ShownWindow) => void) | undefined;
}
type LatestRef = RefObject<LatestRender>;

/** The frame loop: runs only while something moves on its own (an open bar, the time view's pages). */
function useFrameLoop(
  moving: boolean,
  latest: LatestRef,
  svgRef: RefObject<SVGSVGElement | null>,
  nextPage: () => void,
): void {
  useEffect(() => {
    if (!moving) return;
    let frame = requestAnimationFrame(function tick() {
      const current = latest.current;
      const t = current.now();
      const svg = svgRef.current;
      if (svg) updateOpenBars(svg, current.layout, t);
      if (current.view.mode === 'time' && current.view.window.kind === 'follow') {
        const t1 = followPage(
          current.anchor,
          Math.max(t, current.index.last ?? t),
          current.view.window.spanMs,
        );
        if (t1 !== current.layout.t1) nextPage();
      }
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [moving, latest, svgRef, nextPage]);
}

/** d3-zoom owns only the gesture; we turn it into the view: a span and a window (time), or rows (rows view). */
function useZoomGesture(
  svgRef: RefObject<SVGSVGElement | null>,
  latest: LatestRef,
  cache: LayoutCache,
  { height, fontSize }: { height: number; fontSize: number },
): void {
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    let previous = zoomIdentity;
    let rowDrift = 0;
    const scrollRows = (rows: number): void => {
      const { layout: drawn, index: trace, filter: shownFilter, view: current } = latest.current;
      if (!drawn.rows || rows === 0) return;
      const rowIndex = cache.rows(trace, shownFilter);
      const first = Math.max(0, Math.min(drawn.rows.first + rows, Math.max(0, rowIndex.total - 1)));
      const t0 = rowIndex.timeOfRow(first);
      if (t0 !== null) latest.current.setView(windowFrom(current, t0));
    };
    const behaviour = zoom<SVGSVGElement, unknown>()
      .scaleExtent([1e-6, 1e6])
      // In the rows view the wheel scrolls (below); in the time view it zooms.
      .filter(
        (event: Event) =>
          !(event.type === 'wheel' && latest.current.view.mode === 'rows') &&
          !(event as MouseEvent).button &&
          (!(event as MouseEvent).ctrlKey || event.type === 'wheel'),
      )
      .on('zoom', (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
        const transform = event.transform;
        const { view: current, shown: window, layout: drawn } = latest.current;
        if (transform.k !== previous.k) {
          // Zoom is applied relative to the last gesture, so a span changed elsewhere (a shared view) is kept.
          const span = (spanOf(current) * previous.k) / transform.k;
          latest.current.setView(zoomTo(current, span, window));
        } else {
          const dy = transform.y - previous.y;
          // A click is a zoom gesture that moved nothing: it must not stop following.
          if (dy !== 0) {
            if (current.mode === 'rows') {
              rowDrift += dy;
              const rowH = (height - TOP) / rowsThatFit(height, TOP, fontSize);
              const rows = Math.trunc(rowDrift / rowH);
              rowDrift -= rows * rowH;
              scrollRows(-rows);
            } else {
              const span = spanOf(current);
              latest.current.setView(windowEndingAt(current, drawn.t1 - (dy * span) / height));
            }
          }
        }
        previous = transform;
      });
    const onWheel = (event: WheelEvent): void => {
      if (latest.current.view.mode !== 'rows') return;
      event.preventDefault();
      const rows = Math.sign(event.deltaY) * Math.max(1, Math.round(Math.abs(event.deltaY) / 33));
      scrollRows(rows);
    };
    select(svg).call(behaviour).on('dblclick.zoom', null);
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      select(svg).on('.zoom', null);
      svg.removeEventListener('wheel', onWheel);
    };
  }, [svgRef, latest, cache, height, fontSize]);
}

/** Brings a step the keyboard moved to into view, if it is not drawn there: its row near the middle, or the window around it. */
function revealStep(
  step: TraceEvent,
  {
    layout,
    view,
    cache,
    index,
    filter,
    setView,
  }: Omit<LatestRender, 'shown' | 'anchor' | 'now' | 'onShown'> & {
    cache: LayoutCache;
  },
): void {
  const next = step.seq;
  const inView =
    step.t >= layout.t0 &&
    step.t <= layout.t1 &&
    (layout.arrows.some((a) => a.seq === next) || layout.marks.some((m) => m.seq === next));
  if (inView) return;
  if (view.mode === 'rows') {
    const rowIndex = cache.rows(index, filter);
    const row = Math.max(0, rowIndex.rowAt(step.t) - Math.floor((layout.rows?.shown ?? 10) / 2));
    setView(windowFrom(view, rowIndex.timeOfRow(row) ?? step.t));
  } else setView(windowEndingAt(view, step.t + spanOf(view) / 2));
}

/** The diagram's accessible name: its lanes, how many events, how many drawn, how many labels only on hover. */
function diagramLabel(layout: SequenceLayout, index: TraceIndex): string {
  const steps = layout.arrows.length + layout.marks.length + layout.bars.length;
  const hidden =
    layout.arrows.filter((a) => a.placed === null).length +
    layout.marks.filter((m) => m.placed === null).length;
  return `Sequence diagram: ${layout.lanes.map((l) => l.label).join(', ')}; ${index.events.length} events, ${steps} drawn in view${hidden > 0 ? `, ${hidden} labels on hover for want of room` : ''}`;
}

/**
 * The live sequence diagram: one lane per participant and one for the server,
 * time running downward — one row per step, or to scale. It follows live
 * traffic until the user pans or zooms (wheel, drag, the overview strip);
 * "Follow" brings it back.
 */
// eslint-disable-next-line max-lines-per-function -- one render of the live diagram: its view, its layout, the keyboard focus and the latest-render ref the frame loop and the gestures read belong together; the loop, the gestures, revealing a step and the label are split out above
export function SequenceDiagram({
  store,
  actors,
  now = traceClock,
  onSelect,
  selectedSeq = null,
  width = 760,
  height = 560,
  onRenderWork,
  view: sharedView,
  onViewChange,
  onShown,
  anchor: sharedAnchor,
  chrome = true,
  fontSize = 11,
}: SequenceDiagramProps) {
  // eslint-disable-next-line react-hooks/purity -- timing this render is the point: the benchmark reads it
  const renderStart = performance.now();
  useLayoutEffect(() => {
    onRenderWork?.(performance.now() - renderStart);
  });
  const [ownView, setOwnView] = useState<DiagramView>(INITIAL_VIEW);
  const view = sharedView ?? ownView;
  const setView = (next: DiagramView): void => {
    latest.current.view = next;
    onViewChange?.(next);
    if (!sharedView) setOwnView(next);
  };
  const version = useSyncExternalStore(throttled(store), () => store.getState().version);
  // Bumped by the frame loop when following time moves the view to its next page.
  const [, setPage] = useState(0);
  const nextPage = useCallback(() => setPage((n) => n + 1), []);
  const [cache] = useState(() => new LayoutCache(pageMeasure()));
  const svgRef = useRef<SVGSVGElement>(null);
  const [focusSeq, setFocusSeq] = useState<number | null>(null);

  const index = traceIndexFor(store);
  const sender = actors?.[0] ?? null;
  const filter: StepFilter = { receiversOnly: view.receiversOnly, sender };
  // A live diagram is drawn as of the moment it is drawn.
  const renderNow = now();
  const anchor = sharedAnchor ?? index.first ?? renderNow;
  const resolved = resolveWindow(view, index, cache, filter, anchor, renderNow);
  const svgWidth = chrome ? diagramWidth(width) : width;
  const layout: SequenceLayout = layoutSequence(
    index,
    {
      mode: view.mode,
      ...resolved,
      width: svgWidth,
      height,
      top: TOP,
      anchor,
      now: renderNow,
      origin: sharedAnchor ?? index.first ?? resolved.t0,
      filter,
      fontSize,
      ...(actors ? { actors } : {}),
    },
    cache,
  );
  const shown: ShownWindow = { t0: layout.t0, t1: layout.t1 };

  // Everything the gesture handlers and the frame loop need, as of the last render.
  const latest = useRef({ view, shown, layout, index, filter, anchor, now, setView, onShown });
  useLayoutEffect(() => {
    latest.current = { view, shown, layout, index, filter, anchor, now, setView, onShown };
  });
  const reported = useRef<ShownWindow | null>(null);
  useEffect(() => {
    // An empty trace has no window worth reporting (its "now" moves every frame).
    if (index.events.length === 0 || sameShown(reported.current, shown)) return;
    reported.current = shown;
    onShown?.(shown);
  });

  // The frame loop: runs only while something moves on its own (an open bar, the time view's pages).
  const timeFollowing = view.mode === 'time' && isFollowing(view);
  const moving = timeFollowing || layout.bars.some((bar) => bar.open);
  useFrameLoop(moving, latest, svgRef, nextPage);
  useZoomGesture(svgRef, latest, cache, { height, fontSize });

  const drawable = (event: TraceEvent): boolean =>
    participantOf(event) !== undefined && cache.spec(event, filter) !== null;
  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>) => {
    const direction =
      event.key === 'ArrowDown' || event.key === 'ArrowRight'
        ? 1
        : event.key === 'ArrowUp' || event.key === 'ArrowLeft'
          ? -1
          : 0;
    if (direction !== 0) {
      event.preventDefault();
      const next = neighbourStep(index.events, focusSeq ?? selectedSeq, direction, drawable);
      if (next === null) return;
      setFocusSeq(next);
      const step = index.events.find((e) => e.seq === next);
      if (!step) return;
      revealStep(step, { layout, view, cache, index, filter, setView });
    } else if (event.key === 'Enter' && (focusSeq ?? null) !== null) {
      event.preventDefault();
      onSelect?.(focusSeq!);
    } else if (event.key === 'Escape') {
      setFocusSeq(null);
    }
  };

  return (
    <div className="sequence-diagram" data-version={version} data-mode={view.mode}>
      {chrome && (
        <DiagramToolbar
          view={view}
          onChange={setView}
          shown={() => latest.current.shown}
          layout={layout}
          run={index.first === null ? null : { first: index.first, last: index.last! }}
        />
      )}
      <div className="sequence-diagram__body">
        <svg
          ref={svgRef}
          role="img"
          aria-label={diagramLabel(layout, index)}
          width={svgWidth}
          height={height}
          viewBox={`0 0 ${svgWidth} ${height}`}
          tabIndex={0}
          onKeyDown={onKeyDown}
          data-focus-seq={focusSeq ?? undefined}
          data-t0={layout.t0}
          data-t1={layout.t1}
        >
          <SequenceShapes
            layout={layout}
            width={svgWidth}
            height={height}
            selectedSeq={selectedSeq}
            focusSeq={focusSeq}
            fontSize={fontSize}
            {...(onSelect ? { onSelect } : {})}
          />
        </svg>
        {chrome && (
          <RunOverview
            index={index}
            version={version}
            shown={shown}
            now={renderNow}
            height={height}
            width={OVERVIEW_WIDTH}
            onMove={(t0, t1) => {
              // The strip centres the window where it is pointed at, keeping the window's length.
              if (view.mode === 'rows') setView(windowFrom(view, t0));
              else setView(windowEndingAt(view, t1));
            }}
          />
        )}
      </div>
      {chrome && <DiagramLegend />}
    </div>
  );
}

/** The two layouts, as the toolbar offers them. */
const LAYOUTS: ReadonlyArray<{ mode: DiagramView['mode']; name: string; title: string }> = [
  {
    mode: 'rows',
    name: 'Step per row',
    title: 'Every step on a row of its own, its time beside it; idle stretches folded',
  },
  {
    mode: 'time',
    name: 'Time to scale',
    title: 'Height is time: gaps and bursts look as long as they were',
  },
];

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Follow / Pause view, the layout (a row per step or time to scale),
 * Receivers only, Fit run, and what is in view. `modes` false (compare mode)
 * leaves out the layout and the filter.
 */
export function DiagramToolbar({
  view,
  onChange,
  shown,
  layout,
  run,
  modes = true,
}: {
  view: DiagramView;
  onChange: (view: DiagramView) => void;
  /** The window in view now (read when Pause is pressed). */
  shown: () => ShownWindow | null;
  layout?: SequenceLayout;
  run: { first: number; last: number } | null;
  modes?: boolean;
}) {
  const following = isFollowing(view);
  const rows = layout?.rows;
  return (
    <div className="sequence-diagram__toolbar" role="toolbar" aria-label="Diagram view">
      <button
        type="button"
        onClick={() => onChange(follow(view))}
        disabled={following}
        aria-pressed={following}
      >
        Follow
      </button>
      <button
        type="button"
        onClick={() => {
          const now = shown();
          if (now) onChange(pause(view, now));
        }}
        disabled={!following || !run}
      >
        Pause view
      </button>
      <button
        type="button"
        onClick={() => run && onChange(fitRun(view, run.first, run.last))}
        disabled={!run}
        title="The whole run, to scale"
      >
        Fit run
      </button>
      {modes && (
        <span className="sequence-diagram__modes" role="group" aria-label="Diagram layout">
          {LAYOUTS.map(({ mode, name, title }) => (
            <button
              key={mode}
              type="button"
              aria-pressed={view.mode === mode}
              onClick={() => onChange(withMode(view, mode))}
              title={title}
            >
              {name}
            </button>
          ))}
        </span>
      )}
      {modes && (
        <label className="sequence-diagram__filter">
          <input
            type="checkbox"
            checked={view.receiversOnly}
            onChange={(event) => onChange(withReceiversOnly(view, event.target.checked))}
          />
          Receivers only
        </label>
      )}
      <span className="sequence-diagram__span">
        {view.mode === 'rows' && rows
          ? `rows ${rows.total === 0 ? 0 : rows.first + 1}–${rows.first + rows.shown} of ${rows.total}${layout && rows.total > 0 ? ` · ${seconds(layout.t1 - layout.t0)}` : ''} · wheel or drag to scroll`
          : `showing ${Math.round(spanOf(view))} ms · wheel to zoom, drag to pan`}
      </span>
    </div>
  );
}

export function DiagramLegend() {
  return (
    <ul className="sequence-legend" aria-label="Legend">
      {Object.entries(ARROW_STYLE).map(([variant, style]) => (
        <li key={variant}>
          <svg width="28" height="10" aria-hidden="true">
            <line
              x1="1"
              y1="5"
              x2="27"
              y2="5"
              stroke={style.stroke}
              strokeWidth="2"
              strokeDasharray={style.dash}
            />
          </svg>
          {style.legend}
        </li>
      ))}
      {Object.entries(BAR_STYLE).map(([kind, style]) => (
        <li key={kind}>
          <svg width="28" height="10" aria-hidden="true">
            <rect x="10" y="0" width="8" height="10" fill={style.fill} />
          </svg>
          {style.legend}
        </li>
      ))}
      <li>
        <span aria-hidden="true" className="legend-cross">
          ✕
        </span>{' '}
        error
      </li>
      <li>
        <span aria-hidden="true">┆</span> reconnect wait
      </li>
      <li>
        <span aria-hidden="true">≈</span> idle stretch folded (step per row)
      </li>
    </ul>
  );
}
