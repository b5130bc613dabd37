import { useEffect } from 'react';
import { useStore } from 'zustand';
import { TECHNIQUE_LABELS } from '../../core';
import { labController } from '../playground/controller';
import { TechniqueTabs } from '../playground/TechniqueTabs';
import { useLab } from '../playground/store-hooks';
import { onShortcutKey, sendNumbered, SHORTCUTS } from './shortcuts';
import { presenterStore } from './presenter-store';
import { closeShortcutList, togglePresenter, toggleShortcutList } from './presenter-controller';

export function usePresenter() {
  return useStore(presenterStore);
}

/** Listens for the keyboard shortcuts and marks the page for presenter mode. */
export function usePresenterMode(): boolean {
  const { presenter } = usePresenter();
  useEffect(() => {
    window.addEventListener('keydown', onShortcutKey);
    return () => window.removeEventListener('keydown', onShortcutKey);
  }, []);
  useEffect(() => {
    document.documentElement.classList.toggle('presenter', presenter);
  }, [presenter]);
  return presenter;
}

/** The toggle and the `?` button, in the header. */
export function PresenterToggle() {
  const { presenter } = usePresenter();
  return (
    <div className="presenter-toggle">
      <button type="button" aria-pressed={presenter} onClick={togglePresenter}>
        Presenter mode
      </button>
      <button type="button" aria-label="Keyboard shortcuts" onClick={toggleShortcutList}>
        ?
      </button>
    </div>
  );
}

/** The `?` overlay: every shortcut and what it does. */
export function ShortcutsOverlay() {
  const { help } = usePresenter();
  if (!help) return null;
  return (
    <div className="shortcuts" role="dialog" aria-label="Keyboard shortcuts" aria-modal="false">
      <h2>Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map((s) => (
          <div key={s.key}>
            <dt>
              <kbd>{s.key}</kbd>
            </dt>
            <dd>{s.does}</dd>
          </div>
        ))}
      </dl>
      <p>Shortcuts wait while you type in a field. Esc or ? closes this list.</p>
      <button type="button" onClick={closeShortcutList}>
        Close the list
      </button>
    </div>
  );
}

/**
 * Presenter mode's own controls, over the diagram: the technique that runs,
 * in large type, Start or Stop, Send, and the technique tabs (keys 1–4 do the
 * same), so a class sees what is being shown and the presenter needs no
 * shortcut to run it.
 */
export function PresenterBar() {
  const technique = useLab((s) => s.technique);
  const running = useLab((s) => s.running);
  const replaying = useLab((s) => s.replaying);
  return (
    <div className="presenter-bar" role="group" aria-label="Presenter controls">
      <div className="presenter-bar__now">
        <h2 className="presenter-bar__technique" data-testid="presenter-technique">
          {TECHNIQUE_LABELS[technique]}
        </h2>
        <span className="presenter-bar__status" role="status">
          {running ? 'running' : replaying ? 'replaying a recording' : 'stopped'}
        </span>
      </div>
      <div className="presenter-bar__run">
        <button
          type="button"
          className="primary"
          onClick={() => (running ? labController.stop() : void labController.start())}
        >
          {running ? 'Stop' : 'Start'}
        </button>
        <button type="button" disabled={!running} onClick={() => sendNumbered('presenter')}>
          Send
        </button>
      </div>
      <TechniqueTabs />
    </div>
  );
}
