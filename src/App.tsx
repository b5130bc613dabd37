import { useCallback, useRef, useState } from 'react';
import { ReplayPanel } from './features/replay/ReplayPanel';
import { Composer } from './features/playground/Composer';
import { Counters } from './features/playground/Counters';
import { DiagramArea } from './features/playground/DiagramArea';
import { EventLog } from './features/playground/EventLog';
import { Explanation } from './features/playground/Explanation';
import { KnobsPanel } from './features/playground/KnobsPanel';
import { Participants } from './features/playground/Participants';
import { RunControls } from './features/playground/RunControls';
import { TechniqueTabs } from './features/playground/TechniqueTabs';
import { TheoryPanel } from './features/playground/TheoryPanel';
import { ScalePanel } from './features/playground/ScalePanel';
import { useLab } from './features/playground/useStore';
import { labStore } from './store/lab-store';
import { CompareView } from './features/compare/CompareView';
import { FaultsPanel } from './features/faults/FaultsPanel';
import { LessonsView } from './features/lessons/LessonsView';
import { DecisionGuide } from './features/guide/DecisionGuide';
import { PresetsPanel } from './features/share/PresetsPanel';
import { InspectorPanel } from './features/inspector/InspectorPanel';
import { useDiagramHeight, useLayoutMode } from './features/layout/useLayout';
import {
  PresenterBar,
  PresenterToggle,
  ShortcutsOverlay,
  usePresenterMode,
} from './features/presenter/Presenter';
import { Tour, TourButton, useTourOnFirstVisit } from './features/tour/Tour';
import { useView, ViewSwitch } from './features/ViewSwitch';
import { createTraceStore, traceStore } from './store/trace-store';

const replayStore = createTraceStore();

/** The title, the tagline, the screens to switch between, the tour and presenter mode. */
function AppHeader() {
  return (
    <header className="app__header">
      <h1>Realtime Lab</h1>
      <p className="app__tagline">
        How a server pushes data to a browser — real traffic, drawn as it happens, measured.
      </p>
      <ViewSwitch />
      <div className="app__tools">
        <TourButton />
        <PresenterToggle />
      </div>
      <ShortcutsOverlay />
    </header>
  );
}

/**
 * The page: a header, then one screen. The playground is laid out for three
 * screens (see features/layout/useLayout.ts): on a laptop or a projector,
 * controls | diagram | measures, filling the window, each column scrolling on
 * its own, with the explanation over the diagram and the inspector as a panel
 * beside the clicked step; on a phone one column, the diagram first.
 */
// eslint-disable-next-line max-lines-per-function -- the playground's three columns hold the store writes house/stores is moving into controllers; split them into column components after that merge
export function App() {
  const notice = useLab((s) => s.notice);
  const replaying = useLab((s) => s.replaying);
  const inspected = useLab((s) => s.inspected);
  const [replayClock, setReplayClock] = useState<(() => number) | null>(null);
  const view = useView();
  const presenter = usePresenterMode();
  const mode = useLayoutMode();
  const stage = useRef<HTMLDivElement>(null);
  const diagramHeight = useDiagramHeight(stage, mode);
  const closeInspector = useCallback(() => labStore.setState({ inspected: null }), []);
  useTourOnFirstVisit(view === 'playground');
  const shown = replaying ? replayStore : traceStore;
  const header = <AppHeader />;
  if (view === 'guide') {
    return (
      <div className="app app--guide">
        {header}
        <div className="guide-screen">
          <DecisionGuide />
        </div>
      </div>
    );
  }
  if (view === 'lessons') {
    return (
      <div className="app app--lessons">
        {header}
        <LessonsView />
      </div>
    );
  }
  if (view === 'compare') {
    return (
      <div className="app app--compare">
        {header}
        <CompareView />
      </div>
    );
  }
  return (
    <div className="app app--playground" data-layout={mode}>
      {header}
      {!presenter && <TechniqueTabs />}
      <main className="app__main">
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
            onReplayChange={(active, clock) => {
              setReplayClock(() => clock);
              labStore.setState({ replaying: active, inspected: null });
            }}
          />
          <Participants />
          <KnobsPanel />
          <PresetsPanel />
        </aside>
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
          <EventLog store={shown} onInspect={(seq) => labStore.setState({ inspected: seq })} />
        </aside>
      </main>
      <Tour />
    </div>
  );
}
