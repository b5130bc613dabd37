import { useState } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import { toMermaid, type DiagramViewSlice } from '../../core';
import { traceIndexFor } from '../../diagram/trace-index';
import type { TraceStore } from '../../store/trace-store';
import { download } from '../download';
import { pngBlob, svgText } from './exportDiagram';
import { exportLayout, withSheet, type SheetText } from './ExportSheet';

export interface ExportButtonsProps {
  /** The trace shown in the diagram (live or replayed). */
  store: TraceStore;
  /** The diagram's view: what is in view, how it is drawn. */
  view: StoreApi<DiagramViewSlice>;
  /** Lane order of the participants, as given to the diagram. */
  actors: readonly string[];
  /** The diagram's size on screen (a window export is drawn the same). */
  size: () => { width: number; height: number };
  /** The title, the time and the counters for the sheet. */
  describe: () => Omit<SheetText, 'subtitle'>;
}

function fileName(ext: string): string {
  return `realtime-lab-diagram-${new Date().toISOString().replace(/[:.]/g, '-')}.${ext}`;
}

type ExportScope = 'window' | 'run';

/** The trace's index, or why there is nothing to export. */
function exportableIndex(store: TraceStore) {
  const index = traceIndexFor(store);
  if (index.events.length === 0) throw new Error('There is nothing to export yet: start a run.');
  return index;
}

/** The sheet to draw: the layout of the scope, its size, and its title, subtitle and counters. */
function makeSheet(
  { store, view, actors, size, describe }: ExportButtonsProps,
  scope: ExportScope,
) {
  store.flush();
  const index = exportableIndex(store);
  const { view: current, shown } = view.getState();
  const screen = size();
  const { layout, height, cut } = exportLayout(index, current, shown, scope, screen, actors);
  const described = describe();
  const when = new Date().toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  const part =
    scope === 'run'
      ? `the whole run${cut > 0 ? ` (its first rows; ${cut} more left out)` : ''}`
      : 'the window in view';
  const mode = current.mode === 'rows' ? 'one row per step' : 'time to scale';
  return {
    layout,
    width: screen.width,
    height,
    text: { ...described, subtitle: `${when} · ${part} · ${mode}` },
  };
}

/** Downloads the scope's steps as Mermaid, the title and the counters as notes. */
function downloadMermaid(
  { store, view, actors, describe }: ExportButtonsProps,
  scope: ExportScope,
): void {
  const index = exportableIndex(store);
  const shown = view.getState().shown;
  const window = scope === 'window' && shown ? shown : { t0: index.first!, t1: index.last! };
  const described = describe();
  download(
    fileName('mmd'),
    toMermaid(index.events, {
      ...window,
      actors,
      notes: [
        described.title,
        described.counters.map(([label, value]) => `${label} ${value}`).join(' · '),
      ],
    }),
    'text/plain;charset=utf-8',
  );
}

/**
 * Export SVG / PNG (the diagram with a title, its legend and the counters) and
 * Mermaid (the same steps as text GitHub renders), of the window in view or of
 * the whole run.
 */
export function ExportButtons(props: ExportButtonsProps) {
  const [problem, setProblem] = useState<string | null>(null);
  const [scope, setScope] = useState<ExportScope>('window');
  const sheet = () => makeSheet(props, scope);
  const run = (then: () => void | Promise<void>) => async () => {
    try {
      await then();
      setProblem(null);
    } catch (e) {
      setProblem(e instanceof Error ? e.message : `Export failed: ${String(e)}`);
    }
  };
  return (
    <div className="export-buttons" role="group" aria-label="Export diagram">
      <label>
        Export{' '}
        <select
          value={scope}
          onChange={(event) => setScope(event.target.value === 'run' ? 'run' : 'window')}
          aria-label="What to export"
        >
          <option value="window">the window in view</option>
          <option value="run">the whole run</option>
        </select>
      </label>
      <button
        type="button"
        onClick={run(() => {
          const made = sheet();
          withSheet(made, (svg) =>
            download(fileName('svg'), svgText(svg), 'image/svg+xml;charset=utf-8'),
          );
        })}
      >
        Export SVG
      </button>
      <button
        type="button"
        onClick={run(async () => {
          const made = sheet();
          const blob = await withSheet(made, (svg) => pngBlob(svg));
          download(fileName('png'), blob);
        })}
      >
        Export PNG
      </button>
      <button type="button" onClick={run(() => downloadMermaid(props, scope))}>
        Export Mermaid
      </button>
      {problem && (
        <span role="alert" className="export-buttons__problem">
          {problem}
        </span>
      )}
    </div>
  );
}
