import { estimateWidth, type Measure } from './labels';

/** Measures label widths with the page's own font, so that placed labels never touch. */
export function pageMeasure(): Measure {
  if (typeof document === 'undefined') return estimateWidth;
  const context = document.createElement('canvas').getContext('2d');
  if (!context) return estimateWidth;
  const family = getComputedStyle(document.documentElement).fontFamily || 'sans-serif';
  return (text, fontSize) => {
    context.font = `${fontSize}px ${family}`;
    return Math.ceil(context.measureText(text).width) + 1;
  };
}
