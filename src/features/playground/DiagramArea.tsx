import { useRef } from 'react';
import { useStore } from 'zustand';
import { presetById, TECHNIQUE_LABELS } from '../../core';
import { diagramWidth, SequenceDiagram } from '../../diagram/SequenceDiagram';
import { playgroundDiagramView } from '../../store/diagram-view-store';
import { labStore } from '../../store/lab-store';
import type { TraceStore } from '../../store/trace-store';
import { playgroundViewController } from '../diagram-view-controller';
import { ExportButtons } from '../export/ExportButtons';
import { traceSimulated } from '../offline/use-simulated';
import { presenterStore } from '../presenter/presenter-store';
import { useWidth } from '../useWidth';
import { counterLines } from './Counters';
import { labController } from './controller';
import { useLab } from './store-hooks';

/**
 * The sequence diagram, as wide as its column and `height` tall (the page's
 * layout measures the room it has); the inspector is placed by the page.
 */
export function DiagramArea({
  store,
  now,
  height: givenHeight,
}: {
  store: TraceStore;
  now?: () => number;
  height?: number;
}) {
  const sender = useLab((s) => s.sender);
  const receivers = useLab((s) => s.receivers);
  const inspected = useLab((s) => s.inspected);
  const view = useStore(playgroundDiagramView, (s) => s.view);
  const presenter = useStore(presenterStore, (s) => s.presenter);
  const host = useRef<HTMLDivElement>(null);
  const width = useWidth(host, 720, 300);
  const actors = [sender, ...receivers];
  const height = givenHeight ?? (presenter ? 640 : 560);
  return (
    <section className="diagram-area" data-testid="diagram-area" aria-label="Diagram" ref={host}>
      <SequenceDiagram
        store={store}
        actors={actors}
        width={width}
        height={height}
        selectedSeq={inspected}
        onSelect={(seq) => labController.inspect(seq)}
        view={view}
        onViewChange={(next) => playgroundViewController.setView(next)}
        onShown={(shown) => playgroundViewController.reportShown(shown)}
        fontSize={presenter ? 15 : 11}
        {...(now ? { now } : {})}
      />
      <ExportButtons
        store={store}
        view={playgroundDiagramView}
        actors={actors}
        size={() => ({ width: diagramWidth(width), height })}
        describe={() => {
          const { technique, preset } = labStore.getState();
          const named = preset ? presetById(preset) : undefined;
          return {
            title: `Realtime Lab — ${TECHNIQUE_LABELS[technique]}${named ? ` · preset ${named.title}` : ''}`,
            counters: counterLines(
              store.getState().stats,
              labStore.getState().clock?.uncertaintyMs ?? null,
              traceSimulated(store),
            ),
          };
        }}
      />
    </section>
  );
}
