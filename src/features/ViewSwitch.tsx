import { useSyncExternalStore } from 'react';
import { compareController } from './compare/controller';
import { labController } from './playground/controller';
import { viewStore, type AppView } from '../store/view-store';

export function useView(): AppView {
  return useSyncExternalStore(viewStore.subscribe, () => viewStore.getState().view);
}

/** Switches screens; a run on the screen being left stops (both would hold connections). */
export function switchView(view: AppView): void {
  if (viewStore.getState().view === view) return;
  if (view !== 'playground') void labController.stop();
  if (view !== 'compare') compareController.stop();
  viewStore.setState({ view });
  const url = new URL(location.href);
  if (view === 'playground') url.searchParams.delete('view');
  else url.searchParams.set('view', view);
  history.replaceState(null, '', url);
}

const VIEWS: Array<{ view: AppView; label: string }> = [
  { view: 'playground', label: 'Playground' },
  { view: 'compare', label: 'Compare all four' },
  { view: 'lessons', label: 'Lessons' },
  { view: 'guide', label: 'Guide' },
];

/**
 * The "View" tabs. Tabs rather than buttons, so that a search for a button
 * by a short name ("Play", "Start") never matches them.
 */
export function ViewSwitch() {
  const current = useView();
  return (
    <div
      className="view-switch"
      role="tablist"
      aria-label="View"
      onKeyDown={(event) => {
        const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
        if (step === 0) return;
        event.preventDefault();
        const at = VIEWS.findIndex((v) => v.view === current);
        switchView(VIEWS[(at + step + VIEWS.length) % VIEWS.length]!.view);
      }}
    >
      {VIEWS.map(({ view, label }) => (
        <button
          key={view}
          type="button"
          role="tab"
          aria-selected={view === current}
          tabIndex={view === current ? 0 : -1}
          onClick={() => switchView(view)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
