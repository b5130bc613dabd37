import { useRef } from 'react';
import { CompareScreen } from './features/compare/CompareScreen';
import { DecisionGuide } from './features/guide/DecisionGuide';
import { useDiagramHeight, useLayoutMode } from './features/layout/useLayout';
import { LessonsScreen } from './features/lessons/LessonsScreen';
import { PlaygroundScreen } from './features/playground/PlaygroundScreen';
import { ScaleScreen } from './features/scale/ScaleScreen';
import {
  PresenterToggle,
  ShortcutsOverlay,
  usePresenterMode,
} from './features/presenter/Presenter';
import { ScreenSwitch, useScreen } from './features/ScreenSwitch';
import { TourButton, useTourOnFirstVisit } from './features/tour/Tour';

/**
 * The page: a header, then one screen. The playground is laid out for three
 * screens (see features/layout/useLayout.ts): on a laptop or a projector,
 * controls | diagram | measures, filling the window, each column scrolling on
 * its own, with the explanation over the diagram and the inspector as a panel
 * beside the clicked step; on a phone one column, the diagram first.
 *
 * The header stays mounted from one screen to the next (the View switch keeps
 * its focus); the page-wide hooks (shortcuts, presenter mode, the layout) live
 * here, whatever the screen.
 */
export function App() {
  const screen = useScreen();
  const presenter = usePresenterMode();
  const mode = useLayoutMode();
  const stage = useRef<HTMLDivElement>(null);
  const diagramHeight = useDiagramHeight(stage, mode);
  useTourOnFirstVisit(screen === 'playground');
  return (
    <div className={`app app--${screen}`} data-layout={screen === 'playground' ? mode : undefined}>
      <AppHeader />
      {screen === 'guide' && (
        <div className="guide-screen">
          <DecisionGuide />
        </div>
      )}
      {screen === 'lessons' && <LessonsScreen />}
      {screen === 'compare' && <CompareScreen />}
      {screen === 'scale' && <ScaleScreen />}
      {screen === 'playground' && (
        <PlaygroundScreen
          presenter={presenter}
          mode={mode}
          stage={stage}
          diagramHeight={diagramHeight}
        />
      )}
    </div>
  );
}

function AppHeader() {
  return (
    <header className="app__header">
      <h1>Realtime Lab</h1>
      <p className="app__tagline">
        How a server pushes data to a browser — real traffic, drawn as it happens, measured.
      </p>
      <ScreenSwitch />
      <div className="app__tools">
        <TourButton />
        <PresenterToggle />
      </div>
      <ShortcutsOverlay />
    </header>
  );
}
