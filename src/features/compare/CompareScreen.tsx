import { useRef, useState } from 'react';
import { compareCsv, compareMarkdown, exportTrace, TECHNIQUE_LABELS, TECHNIQUES } from '../../core';
import {
  COMPARE_RANGES,
  compareStore,
  compareTraces,
  type CompareSettings,
} from '../../store/compare-store';
import { download } from '../download';
import { NumberField } from '../NumberField';
import { BudgetMeter, type BudgetRow } from './BudgetMeter';
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

function exportName(kind: string, extension: string): string {
  return `realtime-lab-compare-${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}.${extension}`;
}

/** Compare mode: the four techniques side by side on one seeded schedule the server plays. */
export function CompareScreen() {
  const running = useCompare((s) => s.running);
  const progress = useCompare((s) => s.progress);
  const notice = useCompare((s) => s.notice);
  const pattern = useCompare((s) => s.pattern);
  const actors = useCompare((s) => s.actors);
  const recording = useCompare((s) => s.recording);
  const clock = useCompare((s) => s.clock);
  const settings = useCompare(
    (s) => `${s.count} messages at ${s.rate}/s (${s.pattern}, seed ${s.seed})`,
  );
  const rows = useCompareRows(compareTraces);
  const fileInput = useRef<HTMLInputElement>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  return (
    <div className="compare" data-testid="compare-view">
      <section className="compare__controls" aria-label="Comparison run">
        <h2>All four techniques, one schedule</h2>
        <p className="compare__intro">
          The server plays the same seeded message schedule into one channel; each technique's
          receivers listen to it at once. Same messages, same moments: the differences below are the
          techniques'.
        </p>
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
        {clock && (
          <p className="compare__clock" data-testid="compare-clock" data-value={clock.offsetMs}>
            Server clock: page {clock.offsetMs >= 0 ? '+' : '−'}{' '}
            {Math.abs(clock.offsetMs).toFixed(1)} ms ± {clock.uncertaintyMs.toFixed(1)} ms. The
            server sends every message here, so each latency is its delivery time less the server's
            publish time moved onto this page's clock. A latency under three times that ± is shown
            as an upper bound: ≤ the latency plus the ±.
          </p>
        )}
        {recording && !clock && (
          <p className="compare__clock" data-testid="compare-clock-unknown">
            This recording does not say how well the page knew the server&apos;s clock, so its
            latencies are shown as measured, never below 0, with the clock&apos;s ± unknown.
          </p>
        )}
        {notice && (
          <p className="notice" role="status" aria-live="polite">
            {notice}
          </p>
        )}
        <div className="compare__exports">
          <button
            type="button"
            onClick={() => download(exportName('table', 'csv'), compareCsv(rows), 'text/csv')}
          >
            Export CSV
          </button>
          <button
            type="button"
            onClick={() =>
              download(
                exportName('table', 'md'),
                compareMarkdown(rows, `Realtime Lab compare run: ${settings}.`),
                'text/markdown',
              )
            }
          >
            Export Markdown
          </button>
          <button
            type="button"
            onClick={() => {
              compareTraces.all.flush();
              const file = exportTrace(
                compareTraces.all.getState().events,
                'live',
                new Date(),
                compareStore.getState().clock,
              );
              download(exportName('trace', 'json'), JSON.stringify(file));
            }}
          >
            Export trace
          </button>
          <button type="button" onClick={() => fileInput.current?.click()}>
            Load recording
          </button>
          <input
            ref={fileInput}
            type="file"
            accept="application/json,.json"
            aria-label="Compare trace file"
            hidden
            onChange={async (e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) setLoadError(compareController.load(await file.text()));
            }}
          />
        </div>
        {loadError && (
          <p className="field-error" role="alert">
            {loadError}
          </p>
        )}
      </section>
      <CompareTable traces={compareTraces} />
      <LongPollCostNote rows={rows} />
      <CompareBudget />
      <SmallMultiples traces={compareTraces} receivers={actors} />
    </div>
  );
}
