import { useStore } from 'zustand';
import { screenStore, type ScreenId } from '../store/screen-store';
import { switchScreen } from './screen-controller';

/** The screen on show. */
export function useScreen(): ScreenId {
  return useStore(screenStore, (s) => s.screen);
}

const SCREENS: Array<{ screen: ScreenId; label: string }> = [
  { screen: 'playground', label: 'Playground' },
  { screen: 'compare', label: 'Compare all four' },
  { screen: 'lessons', label: 'Lessons' },
  { screen: 'guide', label: 'Guide' },
  { screen: 'scale', label: 'Scaling lab' },
];

/**
 * The "View" tabs, one per screen. Tabs rather than buttons, so that a search for a button
 * by a short name ("Play", "Start") never matches them.
 */
export function ScreenSwitch() {
  const current = useScreen();
  return (
    <div
      className="view-switch"
      role="tablist"
      aria-label="View"
      onKeyDown={(event) => {
        const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
        if (step === 0) return;
        event.preventDefault();
        const at = SCREENS.findIndex((s) => s.screen === current);
        switchScreen(SCREENS[(at + step + SCREENS.length) % SCREENS.length]!.screen);
      }}
    >
      {SCREENS.map(({ screen, label }) => (
        <button
          key={screen}
          type="button"
          role="tab"
          aria-selected={screen === current}
          tabIndex={screen === current ? 0 : -1}
          onClick={() => switchScreen(screen)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
