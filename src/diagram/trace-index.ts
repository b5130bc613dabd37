import { formatDuration, isSimulatedStep, SERVER_ACTOR, type TraceEvent } from '../core';
import { byTime } from './bisect';
import { isScaleServer, ScaleSeen, scaleFault } from './scale';
import { SpanIndex } from './spans';

/** The server's lane in the diagram: the lab server's actor name (docs/architecture.md, the trace model). */
export { SERVER_ACTOR } from '../core';

/**
 * Everything the diagram needs from the trace, kept up to date one event at a
 * time so that laying out a window never reads the whole history: the events in
 * time order, the spans, and the actors in the order they first appeared.
 */
/** A fault from the moment it was set to the moment it was lifted (end null while it lasts). */
export interface FaultInterval {
  seq: number;
  name: string;
  label: string;
  start: number;
  end: number | null;
}

export class TraceIndex {
  /** The events in time order. */
  readonly events: TraceEvent[] = [];
  /** The same events in the order they arrived (the rows view catches up from it). */
  readonly log: TraceEvent[] = [];
  readonly spans = new SpanIndex();
  readonly faults: FaultInterval[] = [];
  private readonly actorSet = new Set<string>();
  readonly actors: string[] = [];
  /** The Scaling lab's lanes seen so far (none in a single server's trace). */
  readonly scale = new ScaleSeen();
  /** Whether the server's steps so far came from the offline simulation (a live run or a recording of one). */
  simulated = false;

  constructor(events: Iterable<TraceEvent> = []) {
    for (const event of events) this.add(event);
  }

  add(event: TraceEvent): void {
    this.log.push(event);
    // Keep time order; events from the server's clock may arrive a little late.
    let at = this.events.length;
    while (at > 0 && this.events[at - 1]!.t > event.t) at--;
    this.events.splice(at, 0, event);
    this.spans.add(event);
    if (event.kind === 'fault') this.addFault(event);
    if (event.observer !== 'client') this.scale.add(event);
    if (!this.simulated && isSimulatedStep(event)) this.simulated = true;
    const actor = event.observer === 'client' ? event.actor : event.peer;
    if (
      actor !== undefined &&
      actor !== SERVER_ACTOR &&
      !isScaleServer(actor) &&
      !this.actorSet.has(actor)
    ) {
      this.actorSet.add(actor);
      this.actors.push(actor);
    }
  }

  /**
   * Faults as intervals: a `start` lasts until the `end` of the same name; one
   * with a known length (a restart's down time) lasts that long; any other is
   * an instant (a drop).
   */
  private addFault(event: TraceEvent): void {
    if (this.addScaleFault(event)) return;
    const details = event.details ?? {};
    const name = details.fault ?? 'fault';
    const open = this.faults.findLast((f) => f.name === name && f.end === null);
    if (details.faultPhase === 'end') {
      if (open) {
        open.end = event.t;
        open.label = `${open.label} · lasted ${formatDuration(event.t - open.start)}`;
      }
      return;
    }
    // A fault set again while it lasts (new latency figures) ends the old band where the new begins.
    if (open) open.end = event.t;
    const lasting = details.faultPhase === 'start' || details.delayMs !== undefined;
    this.faults.push({
      seq: event.seq,
      name,
      // A band has room for the sentence; an instant's line gets a short one (the log has the rest).
      label:
        lasting || (details.note !== undefined && details.note.length <= 40)
          ? (details.note ?? name)
          : name,
      start: event.t,
      end:
        details.faultPhase === 'start'
          ? null
          : details.delayMs !== undefined
            ? event.t + details.delayMs
            : event.t,
    });
  }

  /** A Scaling lab fault: "gateway-2 killed" until its restart, "broker down" until up; an added or removed gateway is an instant. */
  private addScaleFault(event: TraceEvent): boolean {
    const fault = scaleFault(event);
    if (!fault) return false;
    const open = this.faults.findLast((f) => f.name === fault.key && f.end === null);
    if (fault.phase === 'end') {
      if (open) {
        open.end = event.t;
        open.label = `${open.label} · ${fault.label} after ${formatDuration(event.t - open.start)}`;
      }
      return true;
    }
    if (open) open.end = event.t;
    this.faults.push({
      seq: event.seq,
      name: fault.key,
      label: fault.label,
      start: event.t,
      end: fault.phase === 'start' ? null : event.t,
    });
    return true;
  }

  /** Faults that overlap [t0, t1]. */
  faultsBetween(t0: number, t1: number): FaultInterval[] {
    return this.faults.filter((f) => f.start <= t1 && (f.end === null || f.end >= t0));
  }

  /** Adds every event of `all` past the ones already indexed (the store's log grows in place). */
  catchUp(all: readonly TraceEvent[]): void {
    for (let i = this.events.length; i < all.length; i++) this.add(all[i]!);
  }

  get first(): number | null {
    return this.events[0]?.t ?? null;
  }

  get last(): number | null {
    return this.events[this.events.length - 1]?.t ?? null;
  }

  /** Events with t in [t0, t1], by binary search. */
  between(t0: number, t1: number): TraceEvent[] {
    const from = byTime.left(this.events, t0);
    const out: TraceEvent[] = [];
    for (let i = from; i < this.events.length && this.events[i]!.t <= t1; i++)
      out.push(this.events[i]!);
    return out;
  }
}

const indexes = new WeakMap<object, { index: TraceIndex; source: readonly TraceEvent[] }>();

/**
 * The index of a store's trace, caught up with its log. The log grows in place;
 * when the store swaps it (clear, load) the index starts again.
 */
export function traceIndexFor(store: {
  getState(): { events: readonly TraceEvent[] };
}): TraceIndex {
  const events = store.getState().events;
  let entry = indexes.get(store);
  if (!entry || entry.source !== events || entry.index.events.length > events.length) {
    entry = { index: new TraceIndex(), source: events };
    indexes.set(store, entry);
  }
  entry.index.catchUp(events);
  return entry.index;
}
