import { PRESET_IDS, TECHNIQUE_LABELS, TECHNIQUES } from '../../core';
import { labStore } from '../../store/lab-store';
import { setFaults, readFaults } from '../faults/faults-api';
import { playgroundViewController } from '../diagram-view-controller';
import { keepOffline } from '../offline/offline-mode';
import { labController } from '../playground/controller';
import { presetLink } from '../share/url-state';
import { closeShortcutList, togglePresenter, toggleShortcutList } from './presenter-controller';
import { presenterStore } from './presenter-store';

export interface Shortcut {
  key: string;
  /** What it does, as the `?` overlay lists it. */
  does: string;
  run: () => void;
}

let messages = 0;

/** The key of the demo heartbeats shortcut (the Faults panel's hint names it). */
export const DEMO_HEARTBEATS_KEY = 'e';

/** Publishes a numbered message from the sender (the `m` key, presenter mode's Send). */
export function sendNumbered(from: string): void {
  void labController.send(`message ${++messages} from the ${from}`);
}

/** Clicks the page's own button of that exact accessible name, if it is there. */
function press(name: string): boolean {
  const button = [...document.querySelectorAll('button')].find(
    (b) => b.textContent?.trim() === name && !b.disabled,
  );
  button?.click();
  return button !== undefined;
}

/** Opens the next preset as its own link would: its technique, knobs and participants, nothing kept but the channel. */
function nextPreset(): void {
  const { preset, channel } = labStore.getState();
  const at = PRESET_IDS.indexOf(preset ?? PRESET_IDS[PRESET_IDS.length - 1]!);
  const next = PRESET_IDS[(at + 1) % PRESET_IDS.length]!;
  location.assign(`${location.pathname}${keepOffline(presetLink(next, channel))}`);
}

/** The keyboard shortcuts of the playground (and of presenter mode, where the controls are hidden). */
export const SHORTCUTS: readonly Shortcut[] = [
  {
    key: 's',
    does: 'Start or stop the run',
    run: () => {
      if (labStore.getState().running) void labController.stop();
      else void labController.start();
    },
  },
  {
    key: 'm',
    does: 'Send a message from the sender',
    run: () => sendNumbered('keyboard'),
  },
  // 1–4: the techniques, in the tabs' order.
  ...TECHNIQUES.map((technique, i) => ({
    key: String(i + 1),
    does: `Technique: ${TECHNIQUE_LABELS[technique]}`,
    run: () => void labController.setTechnique(technique),
  })),
  {
    key: 'p',
    does: 'Pause the view, or follow again',
    // On the view's own store, so it works whether or not the toolbar is on screen.
    run: () => playgroundViewController.togglePause(),
  },
  { key: '.', does: 'Step a replay forward', run: () => void press('Step') },
  { key: ',', does: 'Step a replay back', run: () => void press('Step back') },
  { key: 'd', does: 'Fault: drop every connection', run: () => void setFaults({ drop: true }) },
  {
    key: 'b',
    does: 'Fault: block or allow WebSockets',
    run: () => void readFaults().then((f) => setFaults({ blockWebSockets: !f.blockWebSockets })),
  },
  {
    key: 'r',
    does: 'Fault: reboot the server (down 3 s)',
    run: () => void setFaults({ restart: { downForMs: 3000 } }),
  },
  { key: 'h', does: 'Fault: go silent (half-open)', run: () => void setFaults({ silence: true }) },
  {
    key: 'l',
    does: 'Slow motion: 500 ms per hop on or off',
    run: () =>
      void readFaults().then((f) => {
        const on = f.latencyMs.up === 0 && f.latencyMs.down === 0;
        return setFaults({ latencyMs: { up: on ? 500 : 0, down: on ? 500 : 0 } });
      }),
  },
  {
    key: DEMO_HEARTBEATS_KEY,
    does: 'Demo heartbeats: SSE and WebSocket every 2 s (a silent connection is noticed in seconds)',
    run: () => labController.demoHeartbeats(),
  },
  { key: 'n', does: 'Next preset', run: nextPreset },
  {
    key: 'f',
    does: 'Presenter mode on or off',
    run: togglePresenter,
  },
  {
    key: '?',
    does: 'Show or hide this list',
    run: toggleShortcutList,
  },
];

/** Runs the shortcut for a key press, unless the user is typing into a field. */
export function onShortcutKey(event: KeyboardEvent): void {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target as HTMLElement | null;
  if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
  // A modal dialog (the tour) has the keyboard to itself.
  if (target instanceof Element && target.closest('[aria-modal="true"]')) return;
  if (event.key === 'Escape' && presenterStore.getState().help) {
    // Handled: an Esc closes one thing at a time (the inspector listens too).
    event.preventDefault();
    closeShortcutList();
    return;
  }
  const shortcut = SHORTCUTS.find((s) => s.key === event.key);
  if (!shortcut) return;
  event.preventDefault();
  shortcut.run();
}
