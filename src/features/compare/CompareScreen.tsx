import { TECHNIQUE_LABELS, TECHNIQUES } from '../../core';
import { COMPARE_RANGES, compareTraces, type CompareSettings } from '../../store/compare-store';
import { NumberField } from '../NumberField';
import { NEEDS_SERVER_WHY } from '../offline/needs-server';
import { useOffline } from '../offline/offline-mode';
import { BudgetMeter, CONNECTIONS_PER_HOST, type BudgetRow } from './BudgetMeter';
import { CompareExports } from './CompareExports';
import { LongPollCostNote } from './CompareNote';
import { CompareTable, useCompareRows, useTechniqueStats } from './CompareTable';
import { compareController } from './controller';
import { SmallMultiples } from './SmallMultiples';
import { useCompare } from './useCompare';

type NumberSetting = Exclude<keyof CompareSettings, 'pattern'>;

const FIELDS: Array<{ key: NumberSetting; label: string; unit?: string; step?: number }> = [
  { key: 'receivers', label: 'Receivers' },
  { key: 'rate', label: 'Rate', unit: 'msg/s', step: 0.5 },
  { key: 'count', label: 'Messages' },
  { key: 'seed', label: 'Seed' },
];

function SettingField({ field, disabled }: { field: (typeof FIELDS)[number]; disabled: boolean }) {
  const value = useCompare((s) => s[field.key]);
  const range = COMPARE_RANGES[field.key];
  return (
    <NumberField
      id={`compare-${field.key}`}
      label={field.label}
      {...(field.unit ? { unit: field.unit } : {})}
      value={value}
      min={range.min}
      max={range.max}
      step={field.step ?? 1}
      disabled={disabled}
      commit={(next) => compareController.set(field.key, next)}
    />
  );
}

/** The page's HTTP connections per destination: one lane per HTTP technique, WebSockets on the page's own port. */
function CompareBudget() {
  const offline = useOffline();
  if (offline)
    return (
      <section className="budget-meter" aria-label="Connection budget">
        <h3>HTTP connections in use, of {CONNECTIONS_PER_HOST} per host</h3>
        <p className="budget-meter__note" data-testid="needs-server">
          {NEEDS_SERVER_WHY.compareBudget}
        </p>
      </section>
    );
  return <CompareBudgetMeter />;
}

function CompareBudgetMeter() {
  const origins = useCompare((s) => s.origins);
  const pageOrigin = useCompare((s) => s.pageOrigin);
  const stats = useTechniqueStats(compareTraces);
  const rows: BudgetRow[] = TECHNIQUES.filter((t) => t !== 'websocket').map((t) => ({
    label: TECHNIQUE_LABELS[t],
    origin: origins[t]?.replace(/^https?:\/\//, '') ?? pageOrigin,
    inUse: stats[t].httpInUse,
    peak: stats[t].maxHttpInUse,
  }));
  return (
    <BudgetMeter
      rows={rows}
      caption={`Each HTTP technique has a port of its own here, so none waits for a connection another holds. WebSockets (and the lab's observer) use ${pageOrigin} and do not count against the six.`}
    />
  );
}

/** The schedule's settings: the number fields and the pattern. */
function CompareSettingsFields({ running }: { running: boolean }) {
  const pattern = useCompare((s) => s.pattern);
  return (
    <div className="compare__settings">
      {FIELDS.map((field) => (
        <SettingField key={field.key} field={field} disabled={running} />
      ))}
      <div className="knob">
        <label htmlFor="compare-pattern">Pattern</label>
        <select
          id="compare-pattern"
          value={pattern}
          disabled={running}
          onChange={(e) => compareController.set('pattern', e.target.value)}
        >
          <option value="random">Random (Poisson)</option>
          <option value="steady">Steady</option>
        </select>
      </div>
    </div>
  );
}

/** Start or Stop, and how far the schedule got. */
function CompareRunBar({ running }: { running: boolean }) {
  const progress = useCompare((s) => s.progress);
  const recording = useCompare((s) => s.recording);
  return (
    <div className="compare__run">
      {running ? (
        <button type="button" onClick={() => compareController.stop()}>
          Stop
        </button>
      ) : (
        <button type="button" onClick={() => void compareController.start()}>
          Start
        </button>
      )}
      <span data-testid="compare-progress" data-value={progress?.sent ?? 0}>
        {progress
          ? `${progress.sent} of ${progress.count} messages played`
          : recording
            ? 'Showing a recording'
            : 'Not started'}
      </span>
    </div>
  );
}

/** What the latencies are measured on: the server's clock against the page's (or, for a recording, that it is unknown). */
function CompareClockNote() {
  const recording = useCompare((s) => s.recording);
  const clock = useCompare((s) => s.clock);
  const offline = useOffline();
  if (offline && !recording)
    return (
      <p className="compare__clock" data-testid="compare-clock">
        {NEEDS_SERVER_WHY.clock}
      </p>
    );
  if (clock)
    return (
      <p className="compare__clock" data-testid="compare-clock" data-value={clock.offsetMs}>
        Server clock: page {clock.offsetMs >= 0 ? '+' : '−'} {Math.abs(clock.offsetMs).toFixed(1)}{' '}
        ms ± {clock.uncertaintyMs.toFixed(1)} ms. The server sends every message here, so each
        latency is its delivery time less the server's publish time moved onto this page's clock. A
        latency under three times that ± is shown as an upper bound: ≤ the latency plus the ±.
      </p>
    );
  if (!recording) return null;
  return (
    <p className="compare__clock" data-testid="compare-clock-unknown">
      This recording does not say how well the page knew the server&apos;s clock, so its latencies
      are shown as measured, never below 0, with the clock&apos;s ± unknown.
    </p>
  );
}

/** Compare mode: the four techniques side by side on one seeded schedule the server plays. */
export function CompareScreen() {
  const running = useCompare((s) => s.running);
  const notice = useCompare((s) => s.notice);
  const actors = useCompare((s) => s.actors);
  const rows = useCompareRows(compareTraces);

  return (
    <div className="compare" data-testid="compare-view">
      <section className="compare__controls" aria-label="Comparison run">
        <h2>All four techniques, one schedule</h2>
        <p className="compare__intro">
          The server plays the same seeded message schedule into one channel; each technique's
          receivers listen to it at once. Same messages, same moments: the differences below are the
          techniques'.
        </p>
        <CompareSettingsFields running={running} />
        <CompareRunBar running={running} />
        <CompareClockNote />
        {notice && (
          <p className="notice" role="status" aria-live="polite">
            {notice}
          </p>
        )}
        <CompareExports rows={rows} />
      </section>
      <CompareTable traces={compareTraces} />
      <LongPollCostNote rows={rows} />
      <CompareBudget />
      <SmallMultiples traces={compareTraces} receivers={actors} />
    </div>
  );
}
