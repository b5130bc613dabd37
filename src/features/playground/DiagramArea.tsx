import { useRef } from 'react';
import { SequenceDiagram } from '../../diagram/SequenceDiagram';
import { labStore } from '../../store/lab-store';
import type { TraceStore } from '../../store/trace-store';
import { ExportButtons } from '../export/ExportButtons';
import { Inspector } from '../inspector/Inspector';
import { useWidth } from '../useWidth';
import { useLab } from './useStore';

/** The sequence diagram, sized to its column, with the inspector under it. */
export function DiagramArea({ store, now }: { store: TraceStore; now?: () => number }) {
  const sender = useLab((s) => s.sender);
  const receivers = useLab((s) => s.receivers);
  const inspected = useLab((s) => s.inspected);
  const host = useRef<HTMLDivElement>(null);
  const width = useWidth(host, 720, 360);
  const select = (seq: number | null) => labStore.setState({ inspected: seq });
  return (
    <section className="diagram-area" data-testid="diagram-area" aria-label="Diagram" ref={host}>
      <SequenceDiagram
        store={store}
        actors={[sender, ...receivers]}
        width={width}
        height={560}
        selectedSeq={inspected}
        onSelect={select}
        {...(now ? { now } : {})}
      />
      <ExportButtons
        svg={() => host.current?.querySelector<SVGSVGElement>('svg[role="img"]') ?? null}
        events={() => {
          store.flush();
          return store.getState().events;
        }}
        window={() => {
          const svg = host.current?.querySelector('svg[role="img"]');
          const t0 = Number(svg?.getAttribute('data-t0'));
          const t1 = Number(svg?.getAttribute('data-t1'));
          return svg && Number.isFinite(t0) && Number.isFinite(t1) ? { t0, t1 } : null;
        }}
        actors={[sender, ...receivers]}
      />
      <Inspector store={store} seq={inspected} onClose={() => select(null)} />
    </section>
  );
}
