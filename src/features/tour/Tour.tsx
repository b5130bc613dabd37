import {
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type CSSProperties,
  type KeyboardEvent,
} from 'react';
import { createPortal } from 'react-dom';
import { placePanel, type Box, type Placement } from '../layout/placement';
import { useLayoutMode } from '../layout/useLayout';
import { presenterStore } from '../presenter/presenter-store';
import { leavePresenterMode } from '../presenter/presenter-controller';
import { switchScreen } from '../screen-controller';
import { TOUR_STEPS, type TourStep } from './tour-steps';
import {
  endTour,
  goToStep,
  INITIAL_SEARCH,
  openTour,
  tourDone,
  tourOnLoad,
  tourStore,
} from './tour-store';

const CARD = { width: 360, minWidth: 300, minHeight: 220, gap: 12 };
/** Room around the element the spotlight rings. */
const RING = 4;

function useTour() {
  return useSyncExternalStore(tourStore.subscribe, tourStore.getState);
}

/** Opens the tour by itself on a first visit to the playground (see tourOnLoad). */
export function useTourOnFirstVisit(onPlayground: boolean): void {
  useEffect(() => {
    if (!onPlayground || presenterStore.getState().presenter) return;
    if (tourOnLoad(INITIAL_SEARCH, tourDone())) openTour();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only the page's first screen decides; switching views later does not open it
  }, []);
}

/** The header's "Tour" button: the tour again, on the playground, out of presenter mode. */
export function TourButton() {
  return (
    <button
      type="button"
      className="tour-button"
      onClick={() => {
        switchScreen('playground');
        leavePresenterMode();
        openTour();
      }}
    >
      Tour
    </button>
  );
}

/** The box around all of a step's elements (the diagram and its overview strip), null for none. */
function unionBox(elements: readonly Element[]): Box | null {
  let box: Box | null = null;
  for (const element of elements) {
    const r = element.getBoundingClientRect();
    box = box
      ? {
          left: Math.min(box.left, r.left),
          top: Math.min(box.top, r.top),
          right: Math.max(box.right, r.right),
          bottom: Math.max(box.bottom, r.bottom),
        }
      : { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  }
  return box;
}

/** The page under the tour takes no clicks, focus or reading while it shows; focus goes back where it was after. */
function useInertPage(open: boolean): void {
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    if (!open) return;
    opener.current = document.activeElement;
    const root = document.getElementById('root');
    root?.setAttribute('inert', '');
    return () => {
      root?.removeAttribute('inert');
      const back = opener.current;
      opener.current = null;
      if (back instanceof HTMLElement && back.isConnected) back.focus({ preventScroll: true });
    };
  }, [open]);
}

/** Brings the step's element into view, then rings it and places the card beside it (a sheet: at the bottom). */
function useSpotlight(open: boolean, current: TourStep, sheet: boolean) {
  const [ring, setRing] = useState<Box | null>(null);
  const [placement, setPlacement] = useState<Placement | null>(null);
  const [viewport, setViewport] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    if (!open) return;
    current.anchor()[0]?.scrollIntoView({ block: sheet ? 'start' : 'nearest', inline: 'nearest' });
    const place = () => {
      const bounds: Box = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
      const box = unionBox(current.anchor());
      setRing(
        box
          ? {
              left: Math.max(box.left - RING, 0),
              top: Math.max(box.top - RING, 0),
              right: Math.min(box.right + RING, innerWidth),
              bottom: Math.min(box.bottom + RING, innerHeight),
            }
          : null,
      );
      setPlacement(sheet ? null : placePanel(box, bounds, CARD));
      setViewport({ width: innerWidth, height: innerHeight });
    };
    place();
    addEventListener('resize', place);
    addEventListener('scroll', place, true);
    return () => {
      removeEventListener('resize', place);
      removeEventListener('scroll', place, true);
    };
  }, [open, current, sheet]);
  return { ring, placement, viewport };
}

/** The shade over the page, with a hole where the ring is, and the ring. */
function TourShade({
  viewport,
  ring,
}: {
  viewport: { width: number; height: number };
  ring: Box | null;
}) {
  return (
    <>
      <svg className="tour__shade" aria-hidden="true" width="100%" height="100%">
        <path
          fillRule="evenodd"
          d={`M0 0H${viewport.width}V${viewport.height}H0Z${
            ring ? `M${ring.left} ${ring.top}V${ring.bottom}H${ring.right}V${ring.top}Z` : ''
          }`}
        />
      </svg>
      {ring && (
        <div
          className="tour__ring"
          aria-hidden="true"
          style={{
            left: ring.left,
            top: ring.top,
            width: ring.right - ring.left,
            height: ring.bottom - ring.top,
          }}
        />
      )}
    </>
  );
}

/** The card's keys: Tab goes round its buttons, Esc skips, the arrows move between steps. */
function onCardKey(event: KeyboardEvent<HTMLDivElement>, step: number, last: boolean): void {
  if (event.key === 'Tab') {
    // Focus goes round the dialog's buttons: nothing under it can take it.
    const buttons = [
      ...event.currentTarget.querySelectorAll<HTMLButtonElement>('button:not(:disabled)'),
    ];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const to = (at + (event.shiftKey ? -1 : 1) + buttons.length) % buttons.length;
    event.preventDefault();
    buttons[to]?.focus();
  } else if (event.key === 'Escape') {
    event.preventDefault();
    endTour();
  } else if (event.key === 'ArrowRight' && !last) {
    goToStep(step + 1);
  } else if (event.key === 'ArrowLeft' && step > 0) {
    goToStep(step - 1);
  }
}

function cardStyle(placement: Placement | null): CSSProperties | undefined {
  return placement
    ? {
        left: placement.left,
        width: placement.width,
        maxHeight: placement.maxHeight,
        top: placement.top,
        ...(placement.from === 'bottom' ? { transform: 'translateY(-100%)' } : {}),
      }
    : undefined;
}

/**
 * The first-run tour: a few steps, each a dialog beside the element it is
 * about, ringed by a spotlight. Keyboard: focus is on Next, Tab moves among
 * Skip tour, Back and Next, Esc skips. While it shows, the page under it is
 * inert. Finishing or skipping is remembered.
 */
export function Tour() {
  const { open, step } = useTour();
  const mode = useLayoutMode();
  const sheet = mode === 'narrow';
  const current = TOUR_STEPS[Math.min(step, TOUR_STEPS.length - 1)]!;
  const last = step >= TOUR_STEPS.length - 1;
  const next = useRef<HTMLButtonElement>(null);
  useInertPage(open);
  const { ring, placement, viewport } = useSpotlight(open, current, sheet);

  useEffect(() => {
    if (open) next.current?.focus({ preventScroll: true });
  }, [open, step]);

  if (!open) return null;
  const titleId = `tour-title-${current.id}`;
  return createPortal(
    <div className="tour" data-testid="tour" data-step={current.id}>
      <TourShade viewport={viewport} ring={ring} />
      <div
        role="dialog"
        aria-modal="true"
        aria-label={`Tour, step ${step + 1} of ${TOUR_STEPS.length}: ${current.title}`}
        aria-describedby={`${titleId}-body`}
        className={`tour__card${sheet ? ' tour__card--sheet' : ''}`}
        style={cardStyle(placement)}
        onKeyDown={(event) => onCardKey(event, step, last)}
      >
        <p className="tour__progress">
          Step {step + 1} of {TOUR_STEPS.length}
        </p>
        <h2 id={titleId}>{current.title}</h2>
        <div id={`${titleId}-body`}>
          {current.body.map((paragraph) => (
            <p key={paragraph}>{paragraph}</p>
          ))}
        </div>
        <div className="tour__buttons">
          <button type="button" className="link" onClick={endTour}>
            Skip tour
          </button>
          <button type="button" disabled={step === 0} onClick={() => goToStep(step - 1)}>
            Back
          </button>
          <button
            type="button"
            className="primary"
            ref={next}
            onClick={() => (last ? endTour() : goToStep(step + 1))}
          >
            {last ? 'Done' : 'Next'}
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
