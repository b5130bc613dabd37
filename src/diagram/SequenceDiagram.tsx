import { select } from 'd3-selection';
import { zoom, zoomIdentity, type D3ZoomEvent } from 'd3-zoom';
import {
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type KeyboardEvent,
} from 'react';
import type { TraceStore } from '../store/trace-store';
import { neighbourStep } from './inspect';
import { isDrawn, layoutSequence, type SequenceLayout } from './layout';
import { ARROW_STYLE, BAR_STYLE } from './palette';
import { SequenceShapes } from './SequenceShapes';
import { traceIndexFor } from './trace-index';
import { INITIAL_VIEW, type DiagramView } from './view';

export { INITIAL_VIEW, type DiagramView } from './view';

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
   * A view shared with other diagrams (compare mode's small multiples): when
   * given, this diagram shows it and reports every gesture to onViewChange
   * instead of keeping a view of its own.
   */
  view?: DiagramView;
  onViewChange?: (view: DiagramView) => void;
  /** Where paging starts (default the first event): diagrams that share a view share it too. */
  anchor?: number;
  /** Draw the Follow / Pause view toolbar and the legend (default true). */
  chrome?: boolean;
}

const MIN_SPAN_MS = 50;
const MAX_SPAN_MS = 10 * 60_000;

/**
 * While following, the view moves in half-window pages rather than crawling:
 * "now" stays between 10 % and 60 % of a window above the bottom edge, the
 * picture holds still in between (easier to read), and only new shapes are
 * painted until the next page.
 */
export function followPage(anchor: number, now: number, spanMs: number): number {
  const page = spanMs / 2;
  const paged = anchor + Math.ceil((now - anchor + spanMs * 0.1) / page) * page;
  // The first page starts just above the first event rather than in the empty past.
  return Math.max(paged, anchor - spanMs * 0.03 + spanMs);
}

const ignoreStore = (): (() => void) => () => undefined;

const pageNow = (): number => performance.timeOrigin + performance.now();

/** Redraws once per animation frame while `active`; returns the frame's time. */
function useFrameClock(active: boolean, now: () => number): number {
  const [time, setTime] = useState(now);
  useEffect(() => {
    if (!active) return;
    let frame = requestAnimationFrame(function tick() {
      setTime(now());
      frame = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(frame);
  }, [active, now]);
  return time;
}

/**
 * The live sequence diagram: one lane per participant and one for the server,
 * time running downward. It follows live traffic until the user pans or zooms
 * (wheel to zoom, drag to pan); "Follow" brings it back.
 */
export function SequenceDiagram({
  store,
  actors,
  now = pageNow,
  onSelect,
  selectedSeq = null,
  width = 760,
  height = 560,
  onRenderWork,
  view: sharedView,
  onViewChange,
  anchor: sharedAnchor,
  chrome = true,
}: SequenceDiagramProps) {
  // eslint-disable-next-line react-hooks/purity -- timing this render is the point (the benchmark reads it)
  const renderStart = performance.now();
  useLayoutEffect(() => {
    onRenderWork?.(performance.now() - renderStart);
  });
  const [ownView, setOwnView] = useState<DiagramView>(INITIAL_VIEW);
  const shown = sharedView ?? ownView;
  const { follow, spanMs, endT } = shown;
  // The latest view, updated at once by gestures so that two quick ones compose.
  const latestView = useRef(shown);
  useEffect(() => {
    latestView.current = shown;
  });
  const setView = (patch: Partial<DiagramView>): void => {
    const next = { ...latestView.current, ...patch };
    latestView.current = next;
    if (onViewChange) onViewChange(next);
    if (!sharedView) setOwnView(next);
  };
  const setViewRef = useRef(setView);
  useEffect(() => {
    setViewRef.current = setView;
  });
  // While following, the frame clock already redraws every frame (and reads the
  // store then); listening to the store as well would draw twice a frame.
  const version = useSyncExternalStore(
    follow ? ignoreStore : store.subscribe,
    () => store.getState().version,
  );
  const svgRef = useRef<SVGSVGElement>(null);
  const reducedMotion = useMemo(
    () =>
      typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches,
    [],
  );
  // Always ticking: open bars and countdowns keep to the real clock even while the view is paused.
  const frameTime = useFrameClock(true, now);
  const [focusSeq, setFocusSeq] = useState<number | null>(null);

  const index = traceIndexFor(store);

  const last = index.last;
  const anchor = sharedAnchor ?? index.first ?? frameTime;
  const t1 = follow
    ? followPage(anchor, Math.max(frameTime, last ?? frameTime), spanMs)
    : (endT ?? last ?? frameTime);
  const t0 = t1 - spanMs;
  const layout: SequenceLayout = layoutSequence(index, {
    t0,
    t1,
    width,
    height,
    top: 48,
    anchor,
    now: frameTime,
    origin: sharedAnchor ?? index.first ?? t0,
    ...(actors ? { actors } : {}),
  });

  // d3-zoom owns only the gesture → transform; we turn it into a time span and an end time.
  const geometry = useRef({ spanMs, t1, height });
  useEffect(() => {
    geometry.current = { spanMs, t1, height };
  });
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    let previous = zoomIdentity;
    const behaviour = zoom<SVGSVGElement, unknown>()
      // Zoom is applied relative to the last gesture, so a span changed elsewhere (a shared view) is kept.
      .scaleExtent([1e-6, 1e6])
      .on('zoom', (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
        const transform = event.transform;
        const current = geometry.current;
        if (transform.k !== previous.k) {
          const span = (current.spanMs * previous.k) / transform.k;
          setViewRef.current({ spanMs: Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, span)) });
        } else {
          const dy = transform.y - previous.y;
          // A click is a zoom gesture that moved nothing: it must not stop following.
          if (dy === 0) {
            previous = transform;
            return;
          }
          setViewRef.current({
            endT: current.t1 - (dy * current.spanMs) / current.height,
            follow: false,
          });
        }
        previous = transform;
      });
    select(svg).call(behaviour).on('dblclick.zoom', null);
    return () => {
      select(svg).on('.zoom', null);
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<SVGSVGElement>) => {
    const direction =
      event.key === 'ArrowDown' || event.key === 'ArrowRight'
        ? 1
        : event.key === 'ArrowUp' || event.key === 'ArrowLeft'
          ? -1
          : 0;
    if (direction !== 0) {
      event.preventDefault();
      const next = neighbourStep(index.events, focusSeq ?? selectedSeq, direction, isDrawn);
      if (next === null) return;
      setFocusSeq(next);
      const step = index.events.find((e) => e.seq === next);
      if (step && (step.t < t0 || step.t > t1))
        setView({ follow: false, endT: step.t + spanMs / 2 });
    } else if (event.key === 'Enter' && (focusSeq ?? null) !== null) {
      event.preventDefault();
      onSelect?.(focusSeq!);
    } else if (event.key === 'Escape') {
      setFocusSeq(null);
    }
  };

  const steps = layout.arrows.length + layout.marks.length + layout.bars.length;
  return (
    <div className="sequence-diagram" data-version={version}>
      {chrome && <DiagramToolbar view={shown} onChange={setView} pausedEnd={() => t1} />}
      <svg
        ref={svgRef}
        role="img"
        aria-label={`Sequence diagram: ${layout.lanes.map((l) => l.label).join(', ')}; ${index.events.length} events, ${steps} drawn in view`}
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        className={reducedMotion ? 'reduced-motion' : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-focus-seq={focusSeq ?? undefined}
        data-t0={t0}
        data-t1={t1}
      >
        <SequenceShapes
          layout={layout}
          width={width}
          height={height}
          selectedSeq={focusSeq ?? selectedSeq}
          {...(onSelect ? { onSelect } : {})}
        />
      </svg>
      {chrome && <DiagramLegend />}
    </div>
  );
}

/** Follow / Pause view, and the span shown; `pausedEnd` is where a pause freezes the window. */
export function DiagramToolbar({
  view,
  onChange,
  pausedEnd,
}: {
  view: DiagramView;
  onChange: (patch: Partial<DiagramView>) => void;
  pausedEnd: () => number;
}) {
  return (
    <div className="sequence-diagram__toolbar">
      <button
        type="button"
        onClick={() => onChange({ follow: true, endT: null })}
        disabled={view.follow}
        aria-pressed={view.follow}
      >
        Follow
      </button>
      <button
        type="button"
        onClick={() => onChange({ follow: false, endT: pausedEnd() })}
        disabled={!view.follow}
      >
        Pause view
      </button>
      <span className="sequence-diagram__span">
        showing {Math.round(view.spanMs)} ms · wheel to zoom, drag to pan
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
    </ul>
  );
}
