import type { TraceEvent } from '../core';
import { cachedMeasure, estimateWidth, type Measure } from './labels';
import { RowIndex } from './rows';
import { isShown, participantOf, stepOf, type StepFilter, type StepSpec } from './steps';
import { SERVER_ACTOR, type TraceIndex } from './trace-index';

/**
 * What one diagram remembers between renders: each step's shape and label
 * (they depend on the step alone), measured label widths, and the rows
 * view's index per filter. Each diagram owns one, so two diagrams on a page
 * (the playground and a replay, compare mode's four) never share state.
 */
export class LayoutCache {
  readonly measure: Measure;
  /** Per filter, each step's shape (null: not drawn). */
  private readonly specs = new Map<string, WeakMap<TraceEvent, StepSpec | null>>();
  private readonly rowIndexes = new Map<string, { index: TraceIndex; rows: RowIndex }>();

  constructor(measure: Measure = estimateWidth) {
    this.measure = cachedMeasure(measure);
  }

  /** The step's shape under a filter, made once. */
  spec(event: TraceEvent, filter: StepFilter): StepSpec | null {
    const key = filter.receiversOnly ? `r:${filter.sender ?? ''}` : 'all';
    let byEvent = this.specs.get(key);
    if (!byEvent) this.specs.set(key, (byEvent = new WeakMap()));
    const known = byEvent.get(event);
    if (known !== undefined) return known;
    const spec = stepOf(event, filter);
    byEvent.set(event, spec);
    return spec;
  }

  /** The rows view's index of a trace under a filter, caught up with it. */
  rows(index: TraceIndex, filter: StepFilter): RowIndex {
    const key = filter.receiversOnly ? `r:${filter.sender ?? ''}` : 'all';
    let entry = this.rowIndexes.get(key);
    if (!entry || entry.index !== index) {
      const isRow = (event: TraceEvent): boolean => {
        if (event.kind === 'fault') return true;
        const participant = participantOf(event);
        if (participant === undefined || participant === SERVER_ACTOR) return false;
        return isShown(event, filter);
      };
      entry = { index, rows: new RowIndex(isRow) };
      this.rowIndexes.set(key, entry);
    }
    entry.rows.catchUp(index.log);
    return entry.rows;
  }
}
