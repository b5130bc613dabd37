import { useRef, useState } from 'react';
import { compareCsv, compareMarkdown, exportTrace, type CompareRow } from '../../core';
import { compareStore, compareTraces } from '../../store/compare-store';
import { download } from '../download';
import { isOffline } from '../offline/offline-mode';
import { compareController } from './controller';
import { useCompare } from './useCompare';

function exportName(kind: string, extension: string): string {
  return `realtime-lab-compare-${kind}-${new Date().toISOString().replace(/[:.]/g, '-')}.${extension}`;
}

/** Downloads the whole comparison's trace as JSON, with the clock estimate it was measured on. */
function exportCompareTrace(): void {
  compareTraces.all.flush();
  const file = exportTrace(
    compareTraces.all.getState().events,
    isOffline() ? 'offline' : 'live',
    new Date(),
    compareStore.getState().clock,
  );
  download(exportName('trace', 'json'), JSON.stringify(file));
}

/** The comparison's table as CSV or Markdown, its trace as JSON, and a recorded one loaded back. */
export function CompareExports({ rows }: { rows: CompareRow[] }) {
  const settings = useCompare(
    (s) => `${s.count} messages at ${s.rate}/s (${s.pattern}, seed ${s.seed})`,
  );
  const fileInput = useRef<HTMLInputElement>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  return (
    <>
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
        <button type="button" onClick={exportCompareTrace}>
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
    </>
  );
}
