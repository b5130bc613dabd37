import { bisector } from 'd3-array';

/**
 * The diagram's binary searches, on d3-array's `bisector`. Each is a
 * comparator (not an accessor), so a NaN query finds index 0 rather than the
 * end, as the searches it replaced did.
 */

/** Over anything in time order (`t`): steps, rows' steps, the axis's anchors. */
export const byTime = bisector((item: { readonly t: number }, t: number) => item.t - t);

/** Over spans in start order. */
export const byStart = bisector((span: { readonly start: number }, t: number) => span.start - t);

/** Over ascending numbers. */
export const byValue = bisector((value: number, x: number) => value - x);
