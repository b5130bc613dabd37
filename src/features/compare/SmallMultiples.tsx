import { useRef } from 'react';
import { TECHNIQUE_LABELS, TECHNIQUES } from '../../core';
import { DiagramLegend, DiagramToolbar, SequenceDiagram } from '../../diagram/SequenceDiagram';
import { sameShown } from '../../diagram/view';
import { compareStore, type CompareTraces } from '../../store/compare-store';
import { useWidth } from '../useWidth';
import { useCompare } from './useCompare';

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
  const width = useWidth(host, 900, 640);
  const each = Math.floor((width - 16) / 2);
  const setView = (next: typeof view) => compareStore.setState({ view: next });
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
      <div className="small-multiples__grid">
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
              onShown={(next) => {
                if (!sameShown(compareStore.getState().shown, next))
                  compareStore.setState({ shown: next });
              }}
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
