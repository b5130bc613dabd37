import { useState } from 'react';
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
import {
  PresenterToggle,
  ShortcutsOverlay,
  usePresenterMode,
} from './features/presenter/Presenter';
import { useView, ViewSwitch } from './features/ViewSwitch';
import { createTraceStore, traceStore } from './store/trace-store';

const replayStore = createTraceStore();

export function App() {
  const notice = useLab((s) => s.notice);
  const replaying = useLab((s) => s.replaying);
  const [replayClock, setReplayClock] = useState<(() => number) | null>(null);
  const view = useView();
  usePresenterMode();
  const shown = replaying ? replayStore : traceStore;
  const header = (
    <header className="app__header">
      <h1>Realtime Lab</h1>
      <p>How a server pushes data to a browser — real traffic, drawn as it happens, measured.</p>
      <ViewSwitch />
      <PresenterToggle />
      <ShortcutsOverlay />
    </header>
  );
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
    <div className="app">
      {header}
      <TechniqueTabs />
      <main className="app__main">
        <aside className="app__controls">
          <RunControls />
          <PresetsPanel />
          <Composer />
          {notice && (
            <p className="notice" role="status" aria-live="polite" data-testid="notice">
              {notice}
            </p>
          )}
          <Participants />
          <KnobsPanel />
          <FaultsPanel />
          <Explanation />
        </aside>
        <div className="app__centre">
          {replaying && (
            <p className="replay-banner">
              Replaying a recording — the counters and the log show the recording.
            </p>
          )}
          <DiagramArea store={shown} {...(replaying && replayClock ? { now: replayClock } : {})} />
          <ReplayPanel
            live={traceStore}
            replay={replayStore}
            onReplayChange={(active, clock) => {
              setReplayClock(() => clock);
              labStore.setState({ replaying: active, inspected: null });
            }}
          />
        </div>
        <aside className="app__measures">
          <Counters store={shown} />
          <TheoryPanel store={shown} />
          <ScalePanel store={shown} />
          <EventLog store={shown} onInspect={(seq) => labStore.setState({ inspected: seq })} />
        </aside>
      </main>
    </div>
  );
}
