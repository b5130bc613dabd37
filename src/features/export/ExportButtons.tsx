import { useState } from 'react';
import { toMermaid, type TraceEvent } from '../../core';
import { download } from '../download';
import { pngBlob, svgText } from './exportDiagram';

export interface ExportButtonsProps {
  /** The diagram's root `<svg>` (role="img"), read at the moment of export. */
  svg: () => SVGSVGElement | null;
  /** The trace shown in the diagram (live or replayed). */
  events: () => readonly TraceEvent[];
  /** The visible window (the svg's data-t0 / data-t1); null exports every event. */
  window: () => { t0: number; t1: number } | null;
  /** Lane order of the participants, as given to the diagram. */
  actors: readonly string[];
}

function fileName(ext: string): string {
  return `realtime-lab-diagram-${new Date().toISOString().replace(/[:.]/g, '-')}.${ext}`;
}

/** Export SVG / PNG (the picture as drawn) and Mermaid (the visible steps as text GitHub renders). */
export function ExportButtons({ svg, events, window, actors }: ExportButtonsProps) {
  const [problem, setProblem] = useState<string | null>(null);
  const withSvg = (then: (element: SVGSVGElement) => void | Promise<void>) => async () => {
    const element = svg();
    if (!element) {
      setProblem('There is no diagram to export yet.');
      return;
    }
    try {
      await then(element);
      setProblem(null);
    } catch (e) {
      setProblem(`Export failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const exportMermaid = () => {
    const all = events();
    const shown = window() ?? {
      t0: all.reduce((min, e) => Math.min(min, e.t), Infinity),
      t1: all.reduce((max, e) => Math.max(max, e.t), -Infinity),
    };
    download(fileName('mmd'), toMermaid(all, { ...shown, actors }), 'text/plain;charset=utf-8');
    setProblem(null);
  };
  return (
    <div className="export-buttons" role="group" aria-label="Export diagram">
      <button
        type="button"
        onClick={withSvg((element) =>
          download(fileName('svg'), svgText(element), 'image/svg+xml;charset=utf-8'),
        )}
      >
        Export SVG
      </button>
      <button
        type="button"
        onClick={withSvg(async (element) => download(fileName('png'), await pngBlob(element)))}
      >
        Export PNG
      </button>
      <button type="button" onClick={exportMermaid}>
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
