import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { TraceStore } from '../../store/trace-store';
import { placePanel, type Box } from '../layout/placement';
import { presenterStore } from '../presenter/presenter-store';
import { Inspector } from './Inspector';

const PANEL = { width: 400, minWidth: 300, minHeight: 220, gap: 8 };

const boxOf = (element: Element): Box => {
  const r = element.getBoundingClientRect();
  return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
};

/** The drawn step with this seq (its arrow, bar or mark, label included), if it is in view. */
function stepBox(stage: HTMLElement, seq: number): Box | null {
  const shapes = stage.querySelectorAll(`svg[role="img"] [data-seq="${seq}"]`);
  let box: Box | null = null;
  for (const shape of shapes) {
    const b = boxOf(shape);
    if (b.right - b.left === 0 && b.bottom - b.top === 0) continue;
    box = box
      ? {
          left: Math.min(box.left, b.left),
          top: Math.min(box.top, b.top),
          right: Math.max(box.right, b.right),
          bottom: Math.max(box.bottom, b.bottom),
        }
      : b;
  }
  return box;
}

type PanelRef = RefObject<HTMLDivElement | null>;
type StageRef = RefObject<HTMLElement | null>;

/** Places the panel beside the step it shows, again whenever the stage or the window changes size. */
function usePanelPlacement(stage: StageRef, seq: number | null, confined: boolean): PanelRef {
  const panel = useRef<HTMLDivElement>(null);
  const [resized, setResized] = useState(0);
  const open = seq !== null;
  // Placed straight on the DOM node before paint: the panel follows the step's measured box.
  useLayoutEffect(() => {
    const host = stage.current;
    const element = panel.current;
    if (seq === null || !host || !element) return;
    const own = boxOf(host);
    const bounds: Box = confined
      ? {
          left: own.left,
          right: own.right,
          top: Math.max(own.top, 0),
          bottom: Math.min(own.bottom, innerHeight),
        }
      : { left: own.left, right: own.right, top: 0, bottom: innerHeight };
    const placed = placePanel(stepBox(host, seq), bounds, PANEL);
    // In the stage's own coordinates: the panel is positioned inside it.
    Object.assign(element.style, {
      left: `${placed.left - own.left}px`,
      top: `${placed.top - own.top}px`,
      width: `${placed.width}px`,
      maxHeight: `${placed.maxHeight}px`,
      transform: placed.from === 'bottom' ? 'translateY(-100%)' : '',
    });
    element.dataset.side = placed.side;
  }, [seq, stage, confined, resized]);

  useEffect(() => {
    const host = stage.current;
    if (!open || !host) return;
    const again = () => setResized((n) => n + 1);
    const observer = new ResizeObserver(again);
    observer.observe(host);
    addEventListener('resize', again);
    return () => {
      observer.disconnect();
      removeEventListener('resize', again);
    };
  }, [open, stage]);
  return panel;
}

/** Focus in on open (and on another step), back where it was on close. */
function usePanelFocus(panel: PanelRef, stage: StageRef, seq: number | null) {
  const opener = useRef<Element | null>(null);
  const open = seq !== null;
  useEffect(() => {
    if (seq === null) return;
    // Where focus was before the inspector opened (the diagram, the log), to give it back.
    if (opener.current === null) opener.current = document.activeElement;
    panel.current
      ?.querySelector<HTMLElement>('[data-testid="inspector"]')
      ?.focus({ preventScroll: true });
  }, [seq, panel]);
  useEffect(() => {
    if (open) return;
    const back = opener.current;
    opener.current = null;
    if (!(back instanceof HTMLElement || back instanceof SVGElement)) return;
    // Only if focus was in the panel (closing it dropped focus to the body).
    const active = document.activeElement;
    if (active && active !== document.body && !panel.current?.contains(active)) return;
    const target = back.isConnected
      ? back
      : stage.current?.querySelector<SVGSVGElement>('svg[role="img"]');
    target?.focus({ preventScroll: true });
  }, [open, stage, panel]);
}

/** Esc closes it, wherever focus is — unless something else took that Esc (the shortcuts list). */
function useEscapeCloses(open: boolean, onClose: () => void) {
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      if (presenterStore.getState().help) return;
      if (document.querySelector('[aria-modal="true"]')) return;
      event.preventDefault();
      onClose();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [open, onClose]);
}

/**
 * The inspector as a panel over the diagram, next to the step it shows and
 * never on it: beside the step where the diagram has room, else below or
 * above it; in the diagram's corner for a step out of view (picked in the
 * event log). Focus moves into it when it opens and back to where it was
 * (the diagram) when it closes; Esc or its × closes it.
 *
 * In `wide` layouts it stays inside the diagram's stage, which fits the
 * window; otherwise (a phone) it may reach past the stage to the window's
 * edges, as the page scrolls under it.
 */
export function InspectorPanel({
  store,
  seq,
  onClose,
  stage,
  confined,
}: {
  store: TraceStore;
  seq: number | null;
  onClose: () => void;
  stage: RefObject<HTMLElement | null>;
  /** Keep the panel inside the stage (wide layouts) rather than the window. */
  confined: boolean;
}) {
  const open = seq !== null;
  const panel = usePanelPlacement(stage, seq, confined);
  usePanelFocus(panel, stage, seq);
  useEscapeCloses(open, onClose);

  if (seq === null) return null;
  return (
    <div ref={panel} className="inspector-panel" data-testid="inspector-panel">
      <Inspector store={store} seq={seq} onClose={onClose} />
    </div>
  );
}
