/** What part of the trace a diagram shows: following live traffic, or a fixed window ending at endT. */
export interface DiagramView {
  follow: boolean;
  spanMs: number;
  endT: number | null;
}

export const INITIAL_VIEW: DiagramView = { follow: true, spanMs: 10_000, endT: null };

/** A fixed view that shows the whole of [first, last] with a little room on both ends. */
export function wholeRunView(first: number, last: number): DiagramView {
  const span = Math.max(1000, (last - first) * 1.12);
  return { follow: false, spanMs: span, endT: last + ((span - (last - first)) * 2) / 3 };
}
