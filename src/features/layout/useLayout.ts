import { useLayoutEffect, useState, useSyncExternalStore, type RefObject } from 'react';

/**
 * The three screens the lab is laid out for:
 * - `wide` (1100 px and up: a laptop, a 1280×720 projector): three columns
 *   that fill the window, each scrolling on its own, the diagram as tall as
 *   its column allows;
 * - `medium` (720–1099 px: a tablet, a narrow window): controls beside the
 *   diagram, the measures under it, the page scrolls;
 * - `narrow` (under 720 px: a phone): one column, the diagram first.
 * styles.css uses the same two breakpoints.
 */
export type LayoutMode = 'wide' | 'medium' | 'narrow';

export const WIDE_MIN_PX = 1100;
export const NARROW_MAX_PX = 719;

const queries =
  typeof matchMedia === 'undefined'
    ? null
    : {
        wide: matchMedia(`(min-width: ${WIDE_MIN_PX}px)`),
        narrow: matchMedia(`(max-width: ${NARROW_MAX_PX}px)`),
      };

function currentMode(): LayoutMode {
  if (!queries) return 'wide';
  return queries.wide.matches ? 'wide' : queries.narrow.matches ? 'narrow' : 'medium';
}

function subscribe(listener: () => void): () => void {
  queries?.wide.addEventListener('change', listener);
  queries?.narrow.addEventListener('change', listener);
  return () => {
    queries?.wide.removeEventListener('change', listener);
    queries?.narrow.removeEventListener('change', listener);
  };
}

export function useLayoutMode(): LayoutMode {
  return useSyncExternalStore(subscribe, currentMode, () => 'wide');
}

/** Wide: 20 rows of steps under the lane headers (48 + 20 × 20 px); below it the column scrolls. */
const MIN_HEIGHT = { wide: 448, medium: 360, narrow: 300 };
const MAX_HEIGHT = { wide: 1600, medium: 640, narrow: 560 };

/**
 * How tall the diagram's drawing may be. Wide: what the centre column has
 * left once its other parts (the explanation, a banner) and the diagram's own
 * chrome (toolbar, legend, export buttons) are measured — the column scrolls
 * only if even the least height does not fit. Medium and narrow: a share of
 * the window, so the panels under it stay in reach.
 */
export function useDiagramHeight(stage: RefObject<HTMLElement | null>, mode: LayoutMode): number {
  const [height, setHeight] = useState(560);
  useLayoutEffect(() => {
    const element = stage.current;
    const column = element?.parentElement;
    if (!element || !column) return;
    const measure = () => {
      let next: number;
      if (mode === 'wide') {
        const svg = element.querySelector('[data-testid="diagram-area"] svg[role="img"]');
        if (!svg) return;
        // The stage is a flow root: its box holds the diagram's margins too.
        const chrome = element.getBoundingClientRect().height - svg.getBoundingClientRect().height;
        const style = getComputedStyle(column);
        const siblings = [...column.children].filter(
          (child) => child !== element && getComputedStyle(child).display !== 'none',
        );
        const others = siblings.reduce((sum, child) => {
          const box = getComputedStyle(child);
          const margins = (parseFloat(box.marginTop) || 0) + (parseFloat(box.marginBottom) || 0);
          return sum + child.getBoundingClientRect().height + margins;
        }, 0);
        const gaps = siblings.length * (parseFloat(style.rowGap) || 0);
        const padding =
          (parseFloat(style.paddingTop) || 0) + (parseFloat(style.paddingBottom) || 0);
        next = column.clientHeight - padding - others - gaps - chrome - 1;
      } else if (mode === 'medium') {
        next = innerHeight - 300;
      } else {
        next = innerHeight * 0.6;
      }
      next = Math.round(Math.min(MAX_HEIGHT[mode], Math.max(MIN_HEIGHT[mode], next)));
      setHeight((current) => (Math.abs(current - next) < 2 ? current : next));
    };
    measure();
    // The column's size (the window), its parts' sizes (a folded explanation), and parts coming and going.
    const sizes = new ResizeObserver(measure);
    const watch = () => {
      sizes.disconnect();
      sizes.observe(column);
      for (const child of column.children) sizes.observe(child);
      const area = element.querySelector('[data-testid="diagram-area"]');
      if (area) sizes.observe(area);
    };
    watch();
    const parts = new MutationObserver(() => {
      watch();
      measure();
    });
    parts.observe(column, { childList: true });
    return () => {
      sizes.disconnect();
      parts.disconnect();
    };
  }, [stage, mode]);
  return height;
}
