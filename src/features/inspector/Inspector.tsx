import { useSyncExternalStore } from 'react';
import { inspectStep } from '../../diagram/inspect';
import { traceIndexFor } from '../../diagram/trace-index';
import type { TraceStore } from '../../store/trace-store';

interface InspectorProps {
  store: TraceStore;
  seq: number | null;
  onClose: () => void;
}

/** The raw truth of one drawn step: request line, status, headers, body, frame bits, bytes and timing. */
export function Inspector({ store, seq, onClose }: InspectorProps) {
  useSyncExternalStore(store.subscribe, () => store.getState().version);
  if (seq === null) {
    return (
      <section
        className="inspector inspector--empty"
        aria-label="Inspector"
        data-testid="inspector"
      >
        <p>
          Click a step in the diagram (or focus the diagram and use the arrow keys, then Enter) to
          see its raw bytes.
        </p>
      </section>
    );
  }
  const index = traceIndexFor(store);
  const inspection = inspectStep(index, seq, index.first ?? 0);
  if (!inspection) return null;
  return (
    <section
      className="inspector"
      aria-label="Inspector"
      data-testid="inspector"
      data-seq={seq}
      tabIndex={-1}
    >
      <header className="inspector__header">
        <h3>{inspection.title}</h3>
        <button type="button" onClick={onClose} aria-label="Close inspector">
          ×
        </button>
      </header>
      <dl className="inspector__rows">
        {inspection.rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {inspection.blocks.map((block) => (
        <figure key={block.title} className="inspector__block">
          <figcaption>{block.title}</figcaption>
          <pre>{block.text}</pre>
        </figure>
      ))}
    </section>
  );
}
