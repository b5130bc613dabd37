import { useStore } from 'zustand';
import { viewStore, type AppView } from '../store/view-store';
import { switchView } from './screen-controller';

export function useView(): AppView {
  return useStore(viewStore, (s) => s.view);
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
