import { useEffect, useState, type RefObject } from 'react';

/** The width of an element, kept up to date by a ResizeObserver, never below `min`. */
export function useWidth(ref: RefObject<HTMLElement | null>, initial: number, min: number): number {
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(min, Math.floor(entry.contentRect.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, min]);
  return width;
}
