import { useCallback, useState, type RefObject } from 'react';
import { createTraceStore, traceStore } from '../../store/trace-store';
import { FaultsPanel } from '../faults/FaultsPanel';
import { InspectorPanel } from '../inspector/InspectorPanel';
import { useOffline } from '../offline/offline-mode';
import type { LayoutMode } from '../layout/useLayout';
import { PresenterBar } from '../presenter/Presenter';
import { ReplayPanel } from '../replay/ReplayPanel';
import { PresetsPanel } from '../share/PresetsPanel';
import { Tour } from '../tour/Tour';
import { Composer } from './Composer';
import { labController } from './controller';
import { Counters } from './Counters';
import { DiagramArea } from './DiagramArea';
import { EventLog } from './EventLog';
import { Explanation } from './Explanation';
import { KnobsPanel } from './KnobsPanel';
import { Participants } from './Participants';
import { RunControls } from './RunControls';
import { ScalePanel } from './ScalePanel';
import { TechniqueTabs } from './TechniqueTabs';
import { TheoryPanel } from './TheoryPanel';
import { useLab } from './store-hooks';

/** The trace a loaded recording fills as it replays (the live one is `traceStore`). */
const replayStore = createTraceStore();

interface PlaygroundScreenProps {
  presenter: boolean;
  mode: LayoutMode;
  /** The diagram and its inspector's stage: the page measures it for `diagramHeight`. */
  stage: RefObject<HTMLDivElement | null>;
  diagramHeight: number;
}

/**
 * The playground, under the page's header: the technique tabs, then
 * controls | diagram | measures (see features/layout/useLayout.ts), and the tour.
 */
export function PlaygroundScreen({ presenter, mode, stage, diagramHeight }: PlaygroundScreenProps) {
  const replaying = useLab((s) => s.replaying);
  const inspected = useLab((s) => s.inspected);
  const [replayClock, setReplayClock] = useState<(() => number) | null>(null);
  const closeInspector = useCallback(() => labController.inspect(null), []);
  const shown = replaying ? replayStore : traceStore;
  return (
    <>
      {!presenter && <TechniqueTabs />}
      <main className="app__main">
        <PlaygroundControls
          replaying={replaying}
          onReplayChange={(active, clock) => {
            setReplayClock(() => clock);
            labController.replayChanged(active);
          }}
        />
        <div className="app__centre">
          {presenter && <PresenterBar />}
          <Explanation />
          <div className="diagram-stage" ref={stage}>
            <DiagramArea
              store={shown}
              height={diagramHeight}
              {...(replaying && replayClock ? { now: replayClock } : {})}
            />
            <InspectorPanel
              store={shown}
              seq={inspected}
              onClose={closeInspector}
              stage={stage}
              confined={mode === 'wide'}
            />
          </div>
        </div>
        <aside className="app__measures" aria-label="Measures">
          <Counters store={shown} />
          <TheoryPanel store={shown} />
          <ScalePanel store={shown} />
          <EventLog store={shown} onInspect={(seq) => labController.inspect(seq)} />
        </aside>
      </main>
      <Tour />
    </>
  );
}

/** The left column: run, send, faults, the recording, participants, knobs and presets. */
function PlaygroundControls({
  replaying,
  onReplayChange,
}: {
  replaying: boolean;
  onReplayChange: (active: boolean, clock: (() => number) | null) => void;
}) {
  const notice = useLab((s) => s.notice);
  const offline = useOffline();
  return (
    <aside className="app__controls" aria-label="Run and controls">
      <RunControls />
      {/* A replay sends nothing: the composer gives its room to the player. */}
      {!replaying && <Composer />}
      {notice && (
        <p className="notice" role="status" aria-live="polite" data-testid="notice">
          {notice}
        </p>
      )}
      <FaultsPanel />
      {replaying && (
        <p className="replay-banner">
          Replaying a recording — the counters and the log show the recording.
        </p>
      )}
      <ReplayPanel
        live={traceStore}
        replay={replayStore}
        onReplayChange={onReplayChange}
        network={offline ? 'offline' : 'live'}
      />
      <Participants />
      <KnobsPanel />
      <PresetsPanel />
    </aside>
  );
}
