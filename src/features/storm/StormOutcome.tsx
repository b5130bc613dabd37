import { useMemo, useRef } from 'react';
import { useWidth } from '../useWidth';
import {
  STORM_SERIES,
  describeLag,
  describeRun,
  layoutHistogram,
  seriesOf,
  type HistogramLayout,
  type StormResult,
  type StormRun,
  type StormSeries,
} from './histogram';

const HEIGHT = 280;
const SERIES: readonly StormSeries[] = ['nojitter', 'jitter'];

function runOf(result: StormResult, series: StormSeries): StormRun | undefined {
  return result.runs.find((run) => seriesOf(run) === series);
}

/** The grid, the time and count ticks and the axes' names. */
function HistogramAxes({ layout }: { layout: HistogramLayout }) {
  const { plot } = layout;
  return (
    <g className="storm-lesson__axis" aria-hidden="true">
      {layout.yTicks.map((tick) => (
        <g key={`y${tick.value}`} transform={`translate(0,${tick.at})`}>
          <line x1={plot.left} x2={plot.right} stroke="#e6e6e6" />
          <text x={plot.left - 6} dy="0.32em" textAnchor="end">
            {tick.label}
          </text>
        </g>
      ))}
      {layout.xTicks.map((tick) => (
        <g key={`x${tick.value}`} transform={`translate(${tick.at},0)`}>
          <line y1={plot.bottom} y2={plot.bottom + 5} stroke="#666" />
          <text y={plot.bottom + 18} textAnchor="middle">
            {tick.label}
          </text>
        </g>
      ))}
      <line x1={plot.left} x2={plot.right} y1={plot.bottom} y2={plot.bottom} stroke="#666" />
      <line x1={plot.left} x2={plot.left} y1={plot.top} y2={plot.bottom} stroke="#666" />
      <text x={(plot.left + plot.right) / 2} y={layout.height - 4} textAnchor="middle">
        seconds after the restart
      </text>
      <text
        transform={`translate(12,${(plot.top + plot.bottom) / 2}) rotate(-90)`}
        textAnchor="middle"
      >
        requests per 100 ms
      </text>
    </g>
  );
}

/** A dashed line where the server came back up. */
function RestartLine({ layout }: { layout: HistogramLayout }) {
  const { plot } = layout;
  if (!layout.upAt) return null;
  return (
    <g className="storm-lesson__up" aria-hidden="true">
      <line
        x1={layout.upAt.x}
        x2={layout.upAt.x}
        y1={plot.top}
        y2={plot.bottom}
        stroke="#333"
        strokeDasharray="4 3"
      />
      <text x={layout.upAt.x + 4} y={plot.top - 8}>
        {layout.upAt.label}
      </text>
    </g>
  );
}

/** One bar per series and 100 ms: the requests the server received then. */
function HistogramBars({ layout, binMs }: { layout: HistogramLayout; binMs: number }) {
  return (
    <g className="storm-lesson__bars">
      {layout.bars.map((bar) => (
        <rect
          key={`${bar.series}-${bar.startMs}`}
          data-series={bar.series}
          data-start={bar.startMs}
          data-value={bar.count}
          x={bar.x}
          y={bar.y}
          width={bar.width}
          height={bar.height}
          fill={STORM_SERIES[bar.series].colour}
        >
          <title>{`${STORM_SERIES[bar.series].label}: ${bar.count} requests from ${bar.startMs} to ${bar.startMs + binMs} ms`}</title>
        </rect>
      ))}
    </g>
  );
}

/** Each series' peak, marked and labelled. */
function HistogramPeaks({ layout }: { layout: HistogramLayout }) {
  return (
    <g className="storm-lesson__peaks">
      {layout.peaks.map((peak) => (
        <g key={peak.series} data-series={peak.series} data-kind="peak">
          <path
            d={`M${peak.x1},${peak.y + 5}V${peak.y}H${peak.x2}V${peak.y + 5}`}
            fill="none"
            stroke={STORM_SERIES[peak.series].colour}
            strokeWidth={2}
          />
          <text
            x={peak.x2 + 4}
            y={peak.y + 4}
            fill={STORM_SERIES[peak.series].colour}
            className="storm-lesson__peak-label"
          >
            {peak.label}
          </text>
        </g>
      ))}
    </g>
  );
}

/** The two runs' histogram, their legend, a sentence per run and the lag between them. */
export function StormOutcome({ result }: { result: StormResult }) {
  const frameRef = useRef<HTMLDivElement>(null);
  const width = useWidth(frameRef, 640, 320);
  const layout = useMemo(() => layoutHistogram(result, { width, height: HEIGHT }), [result, width]);
  const lag = describeLag(result);

  return (
    <div className="storm-lesson__outcome">
      <ul className="storm-lesson__legend" aria-label="Legend">
        {SERIES.map((s) => (
          <li key={s}>
            <span
              className="storm-lesson__swatch"
              style={{ background: STORM_SERIES[s].colour }}
              aria-hidden="true"
            />
            {STORM_SERIES[s].label}
          </li>
        ))}
      </ul>
      <div ref={frameRef} className="storm-lesson__chart">
        <svg
          role="img"
          aria-label="Arrivals per 100 ms, without jitter and with jitter"
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
        >
          <HistogramAxes layout={layout} />
          <RestartLine layout={layout} />
          <HistogramBars layout={layout} binMs={result.binMs} />
          <HistogramPeaks layout={layout} />
        </svg>
      </div>
      <ul className="storm-lesson__results">
        {SERIES.map((s) => {
          const run = runOf(result, s);
          if (!run) return null;
          return (
            <li
              key={s}
              data-testid={`storm-peak-${s}`}
              data-value={run.peakPer100ms}
              style={{ borderLeftColor: STORM_SERIES[s].colour }}
            >
              {describeRun(run, result)}
            </li>
          );
        })}
      </ul>
      {lag && <p className="storm-lesson__lag">{lag}</p>}
    </div>
  );
}
