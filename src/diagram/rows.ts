import type { TraceEvent } from '../core';
import { byTime, byValue } from './bisect';

/**
 * The rows view's index: every drawn step gets a row of its own, in time
 * order, like a packet list; a long idle stretch between two steps is folded
 * into one marked row. Kept up to date one event at a time, so finding the
 * rows of a window never reads the whole history.
 */

/** Idle stretches longer than this (ms) between two steps become a gap row. */
export const GAP_MS = 1500;

/** One row in view: a step, or a gap (an idle stretch folded into one row). */
export type Row =
  /** A step; a burst of receipts from one answer shares one row (`events`, the first is `event`). */
  | { kind: 'step'; row: number; t: number; event: TraceEvent; events: TraceEvent[] }
  | { kind: 'gap'; row: number; t: number; until: number };

/** Receipts this close together (ms) on one connection came in one answer: they share a row. */
export const BURST_MS = 10;

/** Whether `b` is a receipt that came in the same answer as `a`, just before it. */
export function sameBurst(a: TraceEvent, b: TraceEvent): boolean {
  return (
    a.kind === 'deliver' &&
    b.kind === 'deliver' &&
    a.observer === 'client' &&
    b.observer === 'client' &&
    a.actor === b.actor &&
    a.conn === b.conn &&
    b.t - a.t < BURST_MS &&
    !a.details?.duplicate &&
    !b.details?.duplicate
  );
}

export class RowIndex {
  /** The steps that have rows, in time order (arrival order among equal times). */
  readonly steps: TraceEvent[] = [];
  /** Row number of each step: its index plus the gap rows before it. */
  private readonly rowNo: number[] = [];
  private consumed = 0;
  private source: readonly TraceEvent[] | null = null;

  constructor(private readonly isRow: (event: TraceEvent) => boolean) {}

  /** Rows in all, gap rows included. */
  get total(): number {
    const last = this.rowNo.length - 1;
    return last < 0 ? 0 : this.rowNo[last]! + 1;
  }

  /**
   * Takes in the log's new events (the store's log grows in place; a new log,
   * or a shorter one, starts the index again).
   */
  catchUp(log: readonly TraceEvent[]): void {
    if (log !== this.source || log.length < this.consumed) {
      this.source = log;
      this.consumed = 0;
      this.steps.length = 0;
      this.rowNo.length = 0;
    }
    let from = this.steps.length;
    for (; this.consumed < log.length; this.consumed++) {
      const event = log[this.consumed]!;
      if (!this.isRow(event)) continue;
      // Server steps may arrive a little late: insert in time order from the end.
      let at = this.steps.length;
      while (at > 0 && this.steps[at - 1]!.t > event.t) at--;
      this.steps.splice(at, 0, event);
      from = Math.min(from, at);
    }
    this.renumber(from);
  }

  private renumber(from: number): void {
    this.rowNo.length = this.steps.length;
    for (let i = from; i < this.steps.length; i++) {
      const previous = i === 0 ? -1 : this.rowNo[i - 1]!;
      if (i > 0 && sameBurst(this.steps[i - 1]!, this.steps[i]!)) {
        this.rowNo[i] = previous;
        continue;
      }
      const gap = i > 0 && this.steps[i]!.t - this.steps[i - 1]!.t > GAP_MS ? 1 : 0;
      this.rowNo[i] = previous + 1 + gap;
    }
  }

  /** The row of the first step at or after t (total when none is). */
  rowAt(t: number): number {
    const lo = byTime.left(this.steps, t);
    if (lo === this.steps.length) return this.total;
    // A gap folded right before this step belongs with it.
    const gapBefore = lo > 0 && this.rowNo[lo]! - this.rowNo[lo - 1]! > 1;
    return this.rowNo[lo]! - (gapBefore ? 1 : 0);
  }

  /** The time of row `row` (a gap row: the time its stretch began); null past the end. */
  timeOfRow(row: number): number | null {
    const [first] = this.rows(Math.max(0, row), 1);
    return first ? first.t : null;
  }

  /** Rows `first` to `first + count - 1`, as many as exist. */
  rows(first: number, count: number): Row[] {
    const out: Row[] = [];
    const last = first + count - 1;
    // The first step whose row is at or after `first`.
    for (
      let i = byValue.left(this.rowNo, first);
      i < this.steps.length && this.rowNo[i]! - 1 <= last;
      i++
    ) {
      const row = this.rowNo[i]!;
      if (i > 0 && row - this.rowNo[i - 1]! > 1 && row - 1 >= first)
        out.push({ kind: 'gap', row: row - 1, t: this.steps[i - 1]!.t, until: this.steps[i]!.t });
      if (row > last) continue;
      const events = [this.steps[i]!];
      while (i + 1 < this.steps.length && this.rowNo[i + 1] === row) events.push(this.steps[++i]!);
      out.push({ kind: 'step', row, t: events[0]!.t, event: events[0]!, events });
    }
    return out;
  }
}

/**
 * Following live traffic in rows: the view holds still while rows fill it
 * and moves half a screen at a time once the newest row nears the bottom, so
 * what is on screen can be read and only new rows are drawn in between.
 */
export function followRowsPage(total: number, visible: number): number {
  const room = Math.max(1, visible - 2);
  const half = Math.max(1, Math.floor(visible / 2));
  if (total <= room) return 0;
  return Math.ceil((total - room) / half) * half;
}
