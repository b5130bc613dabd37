import { bin, max, type Bin } from 'd3-array';
import { memo, useMemo, useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { OKABE_ITO } from './palette';
import type { TraceIndex } from './trace-index';
import type { ShownWindow } from '../core';

interface OverviewProps {
  index: TraceIndex;
  /** The trace store's version: the strip is redrawn when the trace grew. */
  version: number;
  shown: ShownWindow;
  now: number;
  width: number;
  height: number;
  /** Move the view to the window [t0, t1] (the same length, centred where pointed at). */
  onMove: (t0: number, t1: number) => void;
}

const BINS = 80;
const PAD = 6;

type Bins = Array<Bin<number, number>>;

/** How many steps fell in each of BINS stretches of the run. */
function useDensity(index: TraceIndex, version: number, start: number, end: number): Bins {
  const span = Math.max(1, end - start);
  // Density is binned again only when the trace has grown by a few events or the run's end moved a bin.
  const coarse = Math.floor(version / 8);
  const endBin = Math.floor(end / (span / BINS));
  return useMemo(() => {
    const times = index.events.map((e) => e.t);
    return bin()
      .domain([start, end])
      .thresholds(Array.from({ length: BINS - 1 }, (_, i) => start + ((i + 1) * span) / BINS))(
      times,
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `coarse` stands for the trace's growth
  }, [index, coarse, start, endBin]);
}

/** Each fault as a strip across the overview, to its end or to now. */
function FaultStrips({
  index,
  y,
  width,
  now,
}: {
  index: TraceIndex;
  y: (t: number) => number;
  width: number;
  now: number;
}) {
  return (
    <>
      {index.faults.map((fault) => (
        <rect
          key={fault.seq}
          x={0}
          y={y(fault.start)}
          width={width}
          height={Math.max(2, y(fault.end ?? now) - y(fault.start))}
          fill={OKABE_ITO.yellow}
          opacity={0.6}
        />
      ))}
    </>
  );
}

/** A bar per busy stretch, as long as its share of the busiest. */
function DensityBars({ bins, y, width }: { bins: Bins; y: (t: number) => number; width: number }) {
  const most = max(bins, (b) => b.length) ?? 0;
  return (
    <>
      {bins.map((b) =>
        b.length === 0 ? null : (
          <rect
            key={b.x0}
            x={2}
            y={y(b.x0!)}
            width={Math.max(1, ((width - 4) * b.length) / Math.max(1, most))}
            height={Math.max(1, y(b.x1!) - y(b.x0!))}
            fill={OKABE_ITO.blue}
            opacity={0.55}
          />
        ),
      )}
    </>
  );
}

/**
 * The whole run at a glance, beside the diagram: how busy each moment was,
 * the faults, and the window in view. Drag on it (or use the arrow keys) to
 * move the window.
 */
export const RunOverview = memo(function RunOverview({
  index,
  version,
  shown,
  now,
  width,
  height,
  onMove,
}: OverviewProps) {
  const first = index.first;
  const end = Math.max(index.last ?? now, shown.t1);
  const start = Math.min(first ?? shown.t0, shown.t0);
  const span = Math.max(1, end - start);
  const y = (t: number): number => PAD + ((t - start) / span) * (height - 2 * PAD);
  const tAt = (py: number): number => start + ((py - PAD) / (height - 2 * PAD)) * span;
  const bins = useDensity(index, version, start, end);
  const dragging = useRef(false);
  const length = shown.t1 - shown.t0;
  const moveTo = (centre: number): void => onMove(centre - length / 2, centre + length / 2);
  const onPointer = (event: PointerEvent<SVGSVGElement>): void => {
    if (event.type === 'pointerdown') {
      dragging.current = true;
      event.currentTarget.setPointerCapture(event.pointerId);
    } else if (event.type === 'pointerup' || event.type === 'pointercancel') {
      dragging.current = false;
      return;
    }
    if (!dragging.current) return;
    const box = event.currentTarget.getBoundingClientRect();
    moveTo(tAt(event.clientY - box.top));
  };
  const onKey = (event: KeyboardEvent<SVGSVGElement>): void => {
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    moveTo((shown.t0 + shown.t1) / 2 + (step * length) / 2);
  };
  const at = (t: number): string => `${((t - (first ?? start)) / 1000).toFixed(1)} s`;
  return (
    <svg
      className="sequence-overview"
      width={width}
      height={height}
      role="slider"
      tabIndex={0}
      aria-label="Run overview"
      aria-orientation="vertical"
      aria-valuemin={0}
      aria-valuemax={Math.round(span)}
      aria-valuenow={Math.round((shown.t0 + shown.t1) / 2 - start)}
      aria-valuetext={`showing ${at(shown.t0)} to ${at(shown.t1)} of ${at(end)}`}
      data-testid="run-overview"
      onPointerDown={onPointer}
      onPointerMove={onPointer}
      onPointerUp={onPointer}
      onPointerCancel={onPointer}
      onKeyDown={onKey}
    >
      <rect x={0} y={0} width={width} height={height} fill="#f4f4f6" />
      <FaultStrips index={index} y={y} width={width} now={now} />
      <DensityBars bins={bins} y={y} width={width} />
      <rect
        data-testid="run-overview-window"
        x={0.5}
        y={y(shown.t0)}
        width={width - 1}
        height={Math.max(4, y(shown.t1) - y(shown.t0))}
        fill="rgba(0, 114, 178, 0.12)"
        stroke="#000"
        strokeWidth={1.5}
      />
      <title>The whole run: drag to move the window, or use the arrow keys</title>
    </svg>
  );
});
