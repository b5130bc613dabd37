import { useRef } from 'react';
import { TECHNIQUE_LABELS, TECHNIQUES } from '../../core';
import { DiagramLegend, DiagramToolbar, SequenceDiagram } from '../../diagram/SequenceDiagram';
import { compareStore, type CompareTraces } from '../../store/compare-store';
import { compareViewController } from '../diagram-view-controller';
import { useWidth } from '../useWidth';
import { useCompare } from './useCompare';

/** The narrowest a small multiple is drawn, px, and the room between them. */
const MIN_EACH = 280;
const GAP = 16;

/** The four diagrams, one per technique, sharing one window of time: zoom or pan one and all follow. */
export function SmallMultiples({
  traces,
  receivers,
}: {
  traces: CompareTraces;
  receivers: readonly string[];
}) {
  const view = useCompare((s) => s.view);
  const anchor = useCompare((s) => s.anchor);
  const host = useRef<HTMLDivElement>(null);
  const width = useWidth(host, 900, MIN_EACH);
  // All four in a row where each gets MIN_EACH px (a laptop, a projector), else two by two, else one a row (a phone).
  const columns = width >= 4 * MIN_EACH + 3 * GAP ? 4 : width >= 2 * MIN_EACH + GAP ? 2 : 1;
  const each = Math.floor((width - GAP * (columns - 1)) / columns);
  const setView = (next: typeof view) => compareViewController.setView(next);
  const all = traces.all.getState().events;
  const run =
    all.length === 0
      ? null
      : {
          first: all.reduce((min, e) => Math.min(min, e.t), Infinity),
          last: all.reduce((most, e) => Math.max(most, e.t), -Infinity),
        };
  return (
    <section className="small-multiples" aria-label="Four diagrams" ref={host}>
      <DiagramToolbar
        view={view}
        onChange={setView}
        shown={() => compareStore.getState().shown}
        run={run}
        modes={false}
      />
      <div
        className="small-multiples__grid"
        style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
      >
        {TECHNIQUES.map((technique) => (
          <figure key={technique} className="small-multiple" data-technique={technique}>
            <figcaption>{TECHNIQUE_LABELS[technique]}</figcaption>
            <SequenceDiagram
              store={traces.byTechnique[technique]}
              actors={receivers}
              width={each}
              height={380}
              view={view}
              onViewChange={setView}
              onShown={(next) => compareViewController.reportShown(next)}
              chrome={false}
              {...(anchor !== null ? { anchor } : {})}
            />
          </figure>
        ))}
      </div>
      <DiagramLegend />
    </section>
  );
}
