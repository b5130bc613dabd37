import { useRef } from 'react';
import { TECHNIQUE_LABELS, TECHNIQUES } from '../../core';
import {
  DiagramLegend,
  DiagramToolbar,
  followPage,
  SequenceDiagram,
} from '../../diagram/SequenceDiagram';
import { compareStore, type CompareTraces } from '../../store/compare-store';
import { pageClock } from '../../transports/common';
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
  const setView = (patch: Partial<typeof view>) =>
    compareStore.setState((s) => ({ view: { ...s.view, ...patch } }));
  return (
    <section className="small-multiples" aria-label="Four diagrams" ref={host}>
      <DiagramToolbar
        view={view}
        onChange={setView}
        pausedEnd={() => {
          const now = pageClock();
          return anchor === null ? now : followPage(anchor, now, view.spanMs);
        }}
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
              onViewChange={(next) => compareStore.setState({ view: next })}
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
