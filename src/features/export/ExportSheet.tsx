import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { DIAGRAM_TOP } from '../../diagram/SequenceDiagram';
import { SequenceShapes } from '../../diagram/SequenceShapes';
import { LayoutCache, layoutSequence, ROW_HEIGHT, type SequenceLayout } from '../../diagram/layout';
import { estimateWidth } from '../../diagram/labels';
import { pageMeasure } from '../../diagram/page-measure';
import { ARROW_STYLE, BAR_STYLE } from '../../diagram/palette';
import type { TraceIndex } from '../../diagram/trace-index';
import type { DiagramView, ShownWindow } from '../../core';

/** What an export says about itself, above and below the picture. */
export interface SheetText {
  /** `Realtime Lab — Long polling · preset Notifications`. */
  title: string;
  /** When, and what part of the run. */
  subtitle: string;
  /** The counters of the run shown, as label and value. */
  counters: ReadonlyArray<readonly [string, string]>;
}

/** Rows in a whole-run export, at most: a taller picture than this is more than a PNG may hold. */
export const EXPORT_MAX_ROWS = 650;

const HEADER = 52;
const LINE = 16;

/** The diagram of the window in view, or of the whole run, laid out for a sheet of its own. */
export function exportLayout(
  index: TraceIndex,
  view: DiagramView,
  shown: ShownWindow | null,
  scope: 'window' | 'run',
  size: { width: number; height: number },
  actors: readonly string[],
): { layout: SequenceLayout; height: number; cut: number } {
  const cache = new LayoutCache(pageMeasure());
  const filter = { receiversOnly: view.receiversOnly, sender: actors[0] ?? null };
  const first = index.first ?? 0;
  const last = index.last ?? first;
  const common = {
    width: size.width,
    top: DIAGRAM_TOP,
    now: last,
    origin: first,
    filter,
    actors,
  };
  if (view.mode === 'rows') {
    const rows = cache.rows(index, filter);
    const firstRow = scope === 'run' ? 0 : rows.rowAt(shown?.t0 ?? first);
    const count = scope === 'run' ? Math.min(rows.total, EXPORT_MAX_ROWS) : undefined;
    const height =
      count === undefined ? size.height : DIAGRAM_TOP + Math.max(1, count) * ROW_HEIGHT + 12;
    const layout = layoutSequence(
      index,
      { ...common, mode: 'rows', t0: first, t1: last, firstRow, height },
      cache,
    );
    return { layout, height, cut: scope === 'run' ? Math.max(0, rows.total - EXPORT_MAX_ROWS) : 0 };
  }
  const [t0, t1] =
    scope === 'run' || !shown
      ? [first - (last - first) * 0.02 - 100, last + (last - first) * 0.02 + 100]
      : [shown.t0, shown.t1];
  // A whole run to scale: 25 ms a pixel, between the screen's height and 8000 px.
  const height =
    scope === 'run'
      ? Math.round(Math.min(8000, Math.max(size.height, (t1 - t0) / 25)))
      : size.height;
  const layout = layoutSequence(index, { ...common, mode: 'time', t0, t1, height }, cache);
  return { layout, height, cut: 0 };
}

/** Legend entries laid out in lines across the sheet. */
function legendItems(width: number): Array<{
  x: number;
  y: number;
  text: string;
  sample:
    | { kind: 'line'; stroke: string; dash?: string }
    | { kind: 'bar'; fill: string }
    | { kind: 'glyph'; glyph: string };
}> {
  const entries = [
    ...Object.values(ARROW_STYLE).map((s) => ({
      text: s.legend,
      sample: { kind: 'line' as const, stroke: s.stroke, ...(s.dash ? { dash: s.dash } : {}) },
    })),
    ...Object.values(BAR_STYLE).map((s) => ({
      text: s.legend,
      sample: { kind: 'bar' as const, fill: s.fill },
    })),
    { text: 'error', sample: { kind: 'glyph' as const, glyph: '✕' } },
    { text: 'reconnect wait', sample: { kind: 'glyph' as const, glyph: '┆' } },
  ];
  let x = 12;
  let y = 0;
  return entries.map((entry) => {
    const w = 32 + estimateWidth(entry.text, 11) + 14;
    if (x + w > width - 8 && x > 12) {
      x = 12;
      y += LINE;
    }
    const item = { ...entry, x, y };
    x += w;
    return item;
  });
}

/** The export: title, the diagram, its legend and the run's counters, as one standalone picture. */
export function ExportSheet({
  layout,
  width,
  height,
  text,
}: {
  layout: SequenceLayout;
  width: number;
  height: number;
  text: SheetText;
}) {
  const legend = legendItems(width);
  const legendTop = HEADER + height + 14;
  const legendHeight = (legend.at(-1)?.y ?? 0) + LINE;
  const countersTop = legendTop + legendHeight + 8;
  const perLine = Math.max(1, Math.floor((width - 24) / 190));
  const counterLines = Math.ceil(text.counters.length / perLine);
  const total = countersTop + counterLines * LINE + 12;
  return (
    <svg
      role="img"
      aria-label={`Sequence diagram: ${text.title}`}
      width={width}
      height={total}
      viewBox={`0 0 ${width} ${total}`}
    >
      <text x={12} y={22} fontSize={15} fontWeight={700} fill="#111">
        {text.title}
      </text>
      <text x={12} y={40} fontSize={11} fill="#555">
        {text.subtitle}
      </text>
      <g transform={`translate(0,${HEADER})`}>
        <rect x={0.5} y={0.5} width={width - 1} height={height - 1} fill="#fff" stroke="#d9d9de" />
        <SequenceShapes layout={layout} width={width} height={height} selectedSeq={null} />
      </g>
      <g transform={`translate(0,${legendTop})`} fontSize={11} fill="#444">
        {legend.map((item) => (
          <g key={item.text} transform={`translate(${item.x},${item.y})`}>
            {item.sample.kind === 'line' && (
              <line
                x1={0}
                x2={26}
                y1={-4}
                y2={-4}
                stroke={item.sample.stroke}
                strokeWidth={2}
                strokeDasharray={item.sample.dash}
              />
            )}
            {item.sample.kind === 'bar' && (
              <rect x={9} y={-10} width={8} height={10} fill={item.sample.fill} />
            )}
            {item.sample.kind === 'glyph' && (
              <text x={8} y={0}>
                {item.sample.glyph}
              </text>
            )}
            <text x={32} y={0}>
              {item.text}
            </text>
          </g>
        ))}
      </g>
      <g transform={`translate(12,${countersTop})`} fontSize={11} fill="#111">
        {text.counters.map(([label, value], i) => (
          <text key={label} x={(i % perLine) * 190} y={Math.floor(i / perLine) * LINE}>
            <tspan fill="#555">{label}</tspan> <tspan fontWeight={700}>{value}</tspan>
          </text>
        ))}
      </g>
    </svg>
  );
}

/** Renders a sheet off screen and hands back its `<svg>` (for svgText / pngBlob), then lets it go. */
export function withSheet<T>(
  sheet: Parameters<typeof ExportSheet>[0],
  drawn: (svg: SVGSVGElement) => T,
): T {
  const host = document.createElement('div');
  host.style.position = 'fixed';
  host.style.left = '-100000px';
  document.body.append(host);
  const root = createRoot(host);
  try {
    flushSync(() => root.render(<ExportSheet {...sheet} />));
    const svg = host.querySelector('svg');
    if (!svg) throw new Error('the export could not be drawn');
    return drawn(svg);
  } finally {
    root.unmount();
    host.remove();
  }
}
