import { useEffect, useMemo, useRef, useState } from 'react';
import { NumberField } from '../NumberField';
import { useWidth } from '../useWidth';
import {
  STORM_FIELDS,
  STORM_FIELD_ORDER,
  STORM_SERIES,
  checkStormField,
  describeLag,
  describeRun,
  initialStormSettings,
  layoutHistogram,
  seriesOf,
  type StormField,
  type StormResult,
  type StormRun,
  type StormSeries,
} from './histogram';

type LessonState =
  | { status: 'idle' }
  | { status: 'running'; settings: Record<StormField, number> }
  | { status: 'done'; result: StormResult }
  | { status: 'failed'; reason: string };

/** What the learner sees, in our own words. */
const EXPLANATION = [
  'Without jitter every client computes the same wait from the same moment, so the whole crowd retries at the same instants: the server, barely back, takes all of them at once — a spike that can knock it over again — and everyone it refuses returns together for the next spike.',
  'With full jitter each client waits a random time between zero and its backoff ceiling, so the same retries spread over that window and the peak drops to a fraction of the crowd.',
  'The price is a wait: the unluckiest clients get in later, and some retry while the server is still down.',
  'The idea and its measurements come from the AWS Architecture Blog post “Exponential Backoff And Jitter” (Marc Brooker, 2015).',
];

const HEIGHT = 280;

async function postStorm(
  settings: Record<StormField, number>,
  signal: AbortSignal,
): Promise<StormResult> {
  let response: Response;
  try {
    response = await fetch('/api/storm', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(settings),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new Error('the lab server could not be reached', { cause: error });
  }
  const body = (await response.json().catch(() => null)) as StormResult | { error?: string } | null;
  if (!response.ok) {
    const said = body && 'error' in body && typeof body.error === 'string' ? `: ${body.error}` : '';
    throw new Error(`the server answered ${response.status}${said}`);
  }
  if (!body || !('runs' in body) || body.runs.length !== 2) {
    throw new Error('the server’s answer has no runs');
  }
  return body;
}

/**
 * The reconnection-storm lesson: the server restarts a listener of its own,
 * hundreds of real clients reconnect to it with exponential backoff, without
 * and with full jitter, and the histogram shows the requests it received per
 * 100 ms in each case.
 */
export function StormLesson() {
  const [settings, setSettings] = useState(initialStormSettings);
  const [invalid, setInvalid] = useState<ReadonlySet<StormField>>(new Set());
  const [state, setState] = useState<LessonState>({ status: 'idle' });
  const abortRef = useRef<AbortController | null>(null);
  useEffect(() => () => abortRef.current?.abort(), []);

  const running = state.status === 'running';

  const commit = (field: StormField) => (value: number) => {
    const problem = checkStormField(field, value);
    setInvalid((current) => {
      const next = new Set(current);
      if (problem) next.add(field);
      else next.delete(field);
      return next;
    });
    if (!problem) setSettings((current) => ({ ...current, [field]: value }));
    return problem;
  };

  const run = () => {
    if (running || invalid.size > 0) return;
    const controller = new AbortController();
    abortRef.current = controller;
    setState({ status: 'running', settings });
    postStorm(settings, controller.signal)
      .then((result) => {
        if (!controller.signal.aborted) setState({ status: 'done', result });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setState({
          status: 'failed',
          reason: error instanceof Error ? error.message : String(error),
        });
      });
  };

  return (
    <section className="storm-lesson" aria-label="Reconnection storm lesson">
      <h2>The reconnection storm</h2>
      <p className="storm-lesson__intro">
        A server restarts and every client it had loses its connection at once. Each client
        reconnects with exponential backoff: its n-th wait is base · 2ⁿ, at most the cap. The lab
        server plays this for real on a port of its own — a listener that refuses (503) for the
        “down for” time, then answers 200 — twice: without jitter, then with full jitter.
      </p>
      <div className="storm-lesson__form">
        {STORM_FIELD_ORDER.map((field) => {
          const spec = STORM_FIELDS[field];
          return (
            <NumberField
              key={field}
              id={`storm-${field}`}
              label={spec.label}
              {...(spec.unit ? { unit: spec.unit } : {})}
              value={settings[field]}
              min={spec.min}
              max={spec.max}
              step={spec.step}
              disabled={running}
              commit={commit(field)}
            />
          );
        })}
      </div>
      <div className="storm-lesson__buttons">
        <button type="button" disabled={running || invalid.size > 0} onClick={run}>
          {running ? 'Running…' : 'Run the storm'}
        </button>
      </div>
      <p className="storm-lesson__status" role="status">
        {state.status === 'running'
          ? `${state.settings.clients} clients are reconnecting without jitter, then with jitter; each run stops once all are back (at most 30 s).`
          : invalid.size > 0
            ? 'Fix the marked value to run the storm.'
            : ''}
      </p>
      {state.status === 'failed' && (
        <p className="storm-lesson__failed" role="alert">
          The storm did not run: {state.reason}.
        </p>
      )}
      {state.status === 'done' && <StormOutcome result={state.result} />}
      <p className="storm-lesson__why">{EXPLANATION.join(' ')}</p>
    </section>
  );
}

function runOf(result: StormResult, series: StormSeries): StormRun | undefined {
  return result.runs.find((run) => seriesOf(run) === series);
}

function StormOutcome({ result }: { result: StormResult }) {
  const frameRef = useRef<HTMLDivElement>(null);
  const width = useWidth(frameRef, 640, 320);
  const layout = useMemo(() => layoutHistogram(result, { width, height: HEIGHT }), [result, width]);
  const { plot } = layout;
  const series: StormSeries[] = ['nojitter', 'jitter'];
  const lag = describeLag(result);

  return (
    <div className="storm-lesson__outcome">
      <ul className="storm-lesson__legend" aria-label="Legend">
        {series.map((s) => (
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
          {layout.upAt && (
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
          )}
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
                <title>{`${STORM_SERIES[bar.series].label}: ${bar.count} requests from ${bar.startMs} to ${bar.startMs + result.binMs} ms`}</title>
              </rect>
            ))}
          </g>
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
        </svg>
      </div>
      <ul className="storm-lesson__results">
        {series.map((s) => {
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
