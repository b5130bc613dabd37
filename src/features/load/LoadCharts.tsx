import { scaleLinear } from 'd3-scale';
import type { LoadResults } from '../../core/load-results';
import { ARTICLE_BYTES_PER_CONNECTION } from '../../core/load-projection';
import {
  SUBJECT_NAMES,
  TECHNIQUE_NAMES,
  bytesPerConnection,
  fanOutSeries,
  memoryBasis,
  memoryRows,
  type MemoryBasis,
  type MemoryRow,
} from '../../core/load-view';

const ROW = 22;
const LEFT = 250;
const RIGHT = 110;
const SUBJECT_COLOURS: Record<string, string> = {
  lab: '#1f5fa8',
  'bare-ws': '#7a7a7a',
  'bare-fastify': '#7a7a7a',
  'socket.io': '#b36b00',
};

interface Bar {
  key: string;
  label: string;
  value: number;
  subject: string;
}

function memoryBars(rows: readonly MemoryRow[], basis: MemoryBasis): Bar[] {
  return rows.flatMap((row) =>
    [row.lab, ...row.baselines].map((figure) => ({
      key: `${row.technique}/${figure.subject}`,
      label: `${TECHNIQUE_NAMES[row.technique]} · ${SUBJECT_NAMES[figure.subject]}`,
      value: bytesPerConnection(figure, basis) / 1000,
      subject: figure.subject,
    })),
  );
}

/** Horizontal bars with their values; `band` shades a range of the x axis (the article's). */
function Bars({
  bars,
  width,
  unit,
  digits,
  band,
  label,
}: {
  bars: readonly Bar[];
  width: number;
  unit: string;
  /** Decimals shown with each value. */
  digits: number;
  band?: { from: number; to: number; label: string };
  label: string;
}) {
  const max = Math.max(band?.to ?? 0, ...bars.map((b) => b.value), 1);
  const x = scaleLinear()
    .domain([0, max * 1.05])
    .range([LEFT, width - RIGHT]);
  const height = bars.length * ROW + 28;
  return (
    <svg width={width} height={height} role="img" aria-label={label}>
      {band && (
        <g className="load-lesson__band">
          <rect x={x(band.from)} y={0} width={x(band.to) - x(band.from)} height={height - 20} />
          <text x={x(band.to) + 4} y={height - 6}>
            {band.label}
          </text>
        </g>
      )}
      {bars.map((bar, i) => (
        <g key={bar.key} transform={`translate(0,${i * ROW})`} data-testid={`load-bar-${bar.key}`}>
          <text x={LEFT - 6} y={ROW / 2} dy="0.32em" textAnchor="end">
            {bar.label}
          </text>
          <rect
            x={LEFT}
            y={3}
            width={Math.max(1, x(bar.value) - LEFT)}
            height={ROW - 6}
            fill={SUBJECT_COLOURS[bar.subject] ?? '#444'}
          />
          {/* A figure under 0 (a small run's noise: less memory with the connections than before) is written, not drawn. */}
          <text x={x(Math.max(0, bar.value)) + 4} y={ROW / 2} dy="0.32em">
            {bar.value.toLocaleString('en', { maximumFractionDigits: digits })} {unit}
          </text>
        </g>
      ))}
      <line x1={LEFT} x2={LEFT} y1={0} y2={bars.length * ROW} stroke="#666" />
    </svg>
  );
}

export function MemoryChart({ results, width }: { results: LoadResults; width: number }) {
  const basis = memoryBasis(results);
  const bars = memoryBars(memoryRows(results), basis);
  if (bars.length === 0) return <p>This run measured no idle connections.</p>;
  return (
    <Bars
      bars={bars}
      width={width}
      unit="KB"
      digits={1}
      label={`Server ${basis === 'rss' ? 'memory' : 'heap'} per idle connection, by technique, the lab beside its baselines`}
      band={{
        from: ARTICLE_BYTES_PER_CONNECTION.min / 1000,
        to: ARTICLE_BYTES_PER_CONNECTION.max / 1000,
        label: 'the article: 2–10 KB',
      }}
    />
  );
}

export function RequestRateChart({ results, width }: { results: LoadResults; width: number }) {
  const words = {
    'observer-off': 'the lab, no observer',
    'observer-on': 'the lab, an observer connected',
    bare: 'bare Fastify',
  } as const;
  const bars = results.requestRate.map((r) => ({
    key: `${r.subject}/${r.variant}`,
    label: words[r.variant],
    value: r.requestsPerSecond,
    subject: r.subject,
  }));
  if (bars.length === 0) return <p>This run measured no request rate.</p>;
  return (
    <Bars
      bars={bars}
      width={width}
      unit="req/s"
      digits={0}
      label="Empty short polls answered a second, the lab with and without its observer, and bare Fastify"
    />
  );
}

/** p99 latency to the last receiver against the number of receivers, one line per subject. */
export function FanOutChart({ results, width }: { results: LoadResults; width: number }) {
  const series = fanOutSeries(results);
  const points = series.flatMap((s) => s.points);
  if (points.length === 0) return <p>This run measured no fan-out.</p>;
  const height = 220;
  const plot = { left: 56, right: width - 32, top: 10, bottom: height - 34 };
  const x = scaleLinear()
    .domain([0, Math.max(...points.map((p) => p.receivers))])
    .range([plot.left, plot.right])
    .nice();
  const y = scaleLinear()
    .domain([0, Math.max(...points.map((p) => p.p99Ms), 1)])
    .range([plot.bottom, plot.top])
    .nice();
  return (
    <figure className="load-lesson__figure">
      <svg
        width={width}
        height={height}
        role="img"
        aria-label="Fan-out: p99 latency of one publish to the last receiver, against the number of receivers"
      >
        <FanOutAxes x={x} y={y} plot={plot} height={height} />
        {series.map((s) => (
          <g
            key={`${s.subject}/${s.technique}`}
            data-testid={`load-fanout-${s.subject}-${s.technique}`}
          >
            <polyline
              fill="none"
              stroke={SUBJECT_COLOURS[s.subject] ?? '#444'}
              strokeWidth={2}
              strokeDasharray={s.technique === 'sse' ? '6 4' : undefined}
              points={s.points.map((p) => `${x(p.receivers)},${y(p.p99Ms)}`).join(' ')}
            />
            {s.points.map((p) => (
              <circle
                key={p.receivers}
                cx={x(p.receivers)}
                cy={y(p.p99Ms)}
                r={3}
                fill={SUBJECT_COLOURS[s.subject] ?? '#444'}
              />
            ))}
          </g>
        ))}
      </svg>
      <figcaption>
        <ul className="load-lesson__legend">
          {series.map((s) => (
            <li key={`${s.subject}/${s.technique}`}>
              <span
                className={`load-lesson__swatch${s.technique === 'sse' ? ' load-lesson__swatch--dashed' : ''}`}
                style={{ borderColor: SUBJECT_COLOURS[s.subject] ?? '#444' }}
              />
              {SUBJECT_NAMES[s.subject]} · {TECHNIQUE_NAMES[s.technique]}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

type Linear = ReturnType<typeof scaleLinear<number, number>>;

function FanOutAxes({
  x,
  y,
  plot,
  height,
}: {
  x: Linear;
  y: Linear;
  plot: { left: number; right: number; top: number; bottom: number };
  height: number;
}) {
  return (
    <g className="load-lesson__axis">
      {x.ticks(5).map((t) => (
        <text key={`x${t}`} x={x(t)} y={plot.bottom + 16} textAnchor="middle">
          {t.toLocaleString('en')}
        </text>
      ))}
      {y.ticks(4).map((t) => (
        <g key={`y${t}`}>
          <line x1={plot.left} x2={plot.right} y1={y(t)} y2={y(t)} stroke="#e6e6e6" />
          <text x={plot.left - 6} y={y(t)} dy="0.32em" textAnchor="end">
            {t} ms
          </text>
        </g>
      ))}
      <text x={(plot.left + plot.right) / 2} y={height - 4} textAnchor="middle">
        receivers (p99 to the last of them)
      </text>
    </g>
  );
}
