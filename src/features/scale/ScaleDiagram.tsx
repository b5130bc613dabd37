import { useCallback, useRef } from 'react';
import { useStore } from 'zustand';
import { exportTrace } from '../../core';
import { SequenceDiagram } from '../../diagram/SequenceDiagram';
import { scaleDiagramView, scaleTrace } from '../../store/scale-store';
import { DiagramViewController } from '../diagram-view-controller';
import { download } from '../download';
import { InspectorPanel } from '../inspector/InspectorPanel';
import { scaleController } from './scale-controller';
import { useWidth } from '../useWidth';
import { useScale } from './use-scale';

export const scaleViewController = new DiagramViewController(scaleDiagramView);

/** Downloads the Scaling lab's trace as a file the playground's Load trace… replays. */
function exportScaleTrace(): void {
  scaleTrace.flush();
  const file = exportTrace(scaleTrace.getState().events, 'live', new Date());
  download(
    `realtime-lab-scale-trace-${file.exportedAt.replace(/[:.]/g, '-')}.json`,
    JSON.stringify(file, null, 2),
  );
}

/**
 * The run's sequence diagram: the participants' lanes (Alice first), then what
 * the trace holds of the balancer, the gateways and the broker.
 */
export function ScaleDiagram({ height }: { height: number }) {
  const sender = useScale((s) => s.sender);
  const receivers = useScale((s) => s.receivers);
  const view = useStore(scaleDiagramView, (s) => s.view);
  const inspected = useScale((s) => s.inspected);
  const empty = useStore(scaleTrace, (s) => s.events.length === 0);
  const host = useRef<HTMLDivElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const width = useWidth(host, 640, 300);
  const close = useCallback(() => scaleController.inspect(null), []);
  return (
    <div className="diagram-stage" ref={stage}>
      <section
        className="diagram-area scale-diagram"
        data-testid="scale-diagram"
        aria-label="Diagram"
        ref={host}
      >
        <div className="scale-diagram__tools">
          <button type="button" onClick={exportScaleTrace} disabled={empty}>
            Export trace
          </button>
        </div>
        {empty && (
          <p className="scale__hint" data-testid="scale-diagram-empty">
            Start a topology, then Start run: every request, routing decision, broker hand-off and
            delivery is drawn here, one lane per participant, the balancer, each gateway and the
            broker.
          </p>
        )}
        <SequenceDiagram
          store={scaleTrace}
          actors={[sender, ...receivers]}
          width={width}
          height={height}
          view={view}
          onViewChange={(next) => scaleViewController.setView(next)}
          onShown={(shown) => scaleViewController.reportShown(shown)}
          selectedSeq={inspected}
          onSelect={(seq) => scaleController.inspect(seq)}
        />
      </section>
      <InspectorPanel store={scaleTrace} seq={inspected} onClose={close} stage={stage} confined />
    </div>
  );
}
