import { StatsAccumulator, type Stats } from './stats';
import { SERVER_ACTOR } from './step-labels';
import { isTechnique, type Technique } from './technique';
import type { TraceEvent, TraceEventInput } from './trace';

/**
 * Segments of a trace: each Start, each technique switch and each compare run
 * begins one with a `segment` step that records the run's set-up. The trace
 * stays one append-only log; counters and theory read the last segment.
 */

/** Why a segment began: a Start, a technique switch while running, a compare run. */
export type SegmentReason = 'start' | 'switch' | 'compare';
export const SEGMENT_REASONS: readonly SegmentReason[] = ['start', 'switch', 'compare'];

/** Messages the server makes itself during a run (a preset's ticker, compare mode's schedule). */
export interface ServerSource {
  ratePerSecond: number;
  from: string;
  type: string;
}

/**
 * A run's knobs as recorded: the playground's knobs by name (`pollIntervalMs`,
 * `longPollTimeoutMs`, `sseRetryMs`, `sseHeartbeatMs`, `wsHeartbeatMs`,
 * `backoffBaseMs`, `backoffCapMs` in ms; `backoffJitter`).
 */
export type RecordedKnobs = Readonly<Record<string, number | boolean>>;

/** The set-up of one run, as the `segment` step that begins it records it. */
export interface RunSetup {
  technique: Technique;
  /** Who sends from the page (`alice`); null when only the server sends (compare mode). */
  sender: string | null;
  /** Who listens when the run begins, in lane order (a receiver added later shows in the steps). */
  receivers: string[];
  knobs: RecordedKnobs;
  /** The preset loaded, by id; null when none was. */
  preset: string | null;
  /** The server's own messages during the run; null when only the page sends. */
  serverSource: ServerSource | null;
  reason: SegmentReason;
}

/**
 * The step that begins a run: seen by the page, before the run's first
 * request. Its actor is the run's sender (the server in compare mode, where
 * it plays the schedule), a lane the diagram already has.
 */
export function segmentEvent(setup: RunSetup, t: number, conn: string): TraceEventInput {
  return {
    t,
    observer: 'client',
    actor: setup.sender ?? SERVER_ACTOR,
    technique: setup.technique,
    conn,
    kind: 'segment',
    dir: 'none',
    details: { setup },
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readServerSource(value: unknown): ServerSource | null | undefined {
  if (value === null) return null;
  if (!isObject(value)) return undefined;
  const { ratePerSecond, from, type } = value;
  return typeof ratePerSecond === 'number' &&
    Number.isFinite(ratePerSecond) &&
    typeof from === 'string' &&
    typeof type === 'string'
    ? { ratePerSecond, from, type }
    : undefined;
}

/** A set-up read back from a recording, checked field by field; null when it is not one. */
export function readRunSetup(value: unknown): RunSetup | null {
  if (!isObject(value)) return null;
  const { technique, sender, receivers, knobs, preset, serverSource, reason } = value;
  if (!isTechnique(technique)) return null;
  if (sender !== null && typeof sender !== 'string') return null;
  if (!Array.isArray(receivers) || !receivers.every((r) => typeof r === 'string')) return null;
  if (!isObject(knobs)) return null;
  if (preset !== null && typeof preset !== 'string') return null;
  const source = readServerSource(serverSource);
  if (source === undefined) return null;
  if (!SEGMENT_REASONS.includes(reason as SegmentReason)) return null;
  const recorded: Record<string, number | boolean> = {};
  for (const [name, knob] of Object.entries(knobs)) {
    if ((typeof knob === 'number' && Number.isFinite(knob)) || typeof knob === 'boolean')
      recorded[name] = knob;
  }
  return {
    technique,
    sender,
    receivers: [...(receivers as string[])],
    knobs: recorded,
    preset,
    serverSource: source,
    reason: reason as SegmentReason,
  };
}

/** The set-up a `segment` step carries; null for any other step (or a broken one). */
export function setupOf(event: TraceEvent): RunSetup | null {
  return event.kind === 'segment' ? readRunSetup(event.details?.setup) : null;
}

/** Takes the recorded knobs that `defaults` has, of the same type; the rest stay at the defaults. */
export function mergeRecordedKnobs<T extends object>(defaults: T, recorded: RecordedKnobs): T {
  const merged = { ...(defaults as Record<string, unknown>) };
  for (const [name, value] of Object.entries(recorded)) {
    if (name in defaults && typeof merged[name] === typeof value) merged[name] = value;
  }
  return merged as T;
}

/** A named query parameter of a traced request's URL, as a number. */
function urlNumber(url: string, name: string): number | undefined {
  try {
    const raw = new URL(url, 'http://lab.invalid').searchParams.get(name);
    const value = raw === null || raw.trim() === '' ? Number.NaN : Number(raw);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Knobs that travel in a request's URL: the endpoint, the query parameter, the knob. */
const URL_KNOBS: ReadonlyArray<readonly [string, string, string]> = [
  ['/long-poll', 'timeout', 'longPollTimeoutMs'],
  ['/events', 'retry', 'sseRetryMs'],
  ['/events', 'heartbeat', 'sseHeartbeatMs'],
  ['/ws', 'heartbeat', 'wsHeartbeatMs'],
];

/**
 * The knobs a recording shows without saying them: the long-poll `timeout`,
 * SSE `retry` and `heartbeat` and WebSocket `heartbeat` its requests asked
 * for, and short polling's interval (the shortest wait between an answer and
 * the same receiver's next poll: a timer never fires early).
 */
export function inferKnobs(events: readonly TraceEvent[]): Record<string, number> {
  const knobs: Record<string, number> = {};
  const answeredAt = new Map<string, number>();
  let shortestGap = Infinity;
  for (const event of events) {
    if (event.observer !== 'client') continue;
    const url = event.details?.url;
    if (event.kind === 'request' && url) {
      const path = url.split('?')[0] ?? '';
      for (const [endpoint, param, knob] of URL_KNOBS) {
        const value = path.endsWith(endpoint) ? urlNumber(url, param) : undefined;
        if (value !== undefined) knobs[knob] = value;
      }
    }
    if (event.technique !== 'short-poll' || event.details?.method === 'POST') continue;
    if (event.kind === 'response') answeredAt.set(event.actor, event.t);
    else if (event.kind === 'request') {
      const answered = answeredAt.get(event.actor);
      if (answered !== undefined) shortestGap = Math.min(shortestGap, event.t - answered);
      answeredAt.delete(event.actor);
    }
  }
  if (Number.isFinite(shortestGap) && shortestGap > 0)
    knobs.pollIntervalMs = Math.floor(shortestGap);
  return knobs;
}

/** The page's participants in a stretch of steps, in the order they first acted. */
function pageActors(events: readonly TraceEvent[]): string[] {
  const actors: string[] = [];
  for (const event of events) {
    if (event.observer !== 'client' || event.kind === 'segment') continue;
    if (event.actor !== SERVER_ACTOR && !actors.includes(event.actor)) actors.push(event.actor);
  }
  return actors;
}

/**
 * The set-up of a recording made before segments were recorded: the technique
 * most of the page's steps used, the participant who published (the sender),
 * every other participant of the page (the receivers), and the knobs its
 * requests show. Null when the steps show no technique at all.
 */
export function inferSetup(events: readonly TraceEvent[]): RunSetup | null {
  const counts = new Map<Technique, number>();
  let sender: string | null = null;
  for (const event of events) {
    if (event.observer !== 'client' || event.kind === 'segment') continue;
    if (event.technique) counts.set(event.technique, (counts.get(event.technique) ?? 0) + 1);
    if (event.kind === 'publish' && sender === null) sender = event.actor;
  }
  let technique: Technique | null = null;
  for (const [candidate, count] of counts) {
    if (technique === null || count > counts.get(technique)!) technique = candidate;
  }
  if (technique === null) return null;
  return {
    technique,
    sender,
    receivers: pageActors(events).filter((actor) => actor !== sender),
    knobs: inferKnobs(events),
    preset: null,
    serverSource: null,
    reason: 'start',
  };
}

/** One run of a recording: where it starts (an index into the steps) and its set-up. */
export interface RecordingSegment {
  start: number;
  /** The recorded set-up, or the one inferred from the run's steps; receivers who joined later added. */
  setup: RunSetup;
  /** Whether the set-up came from a `segment` step (false: inferred from the steps). */
  recorded: boolean;
}

/**
 * The runs of a recording, in order, each with the set-up the page should
 * show while replaying it. Steps before the first `segment` (all of them, in
 * a recording that has none) are a run whose set-up is inferred; a stretch
 * that shows no technique is left out.
 */
export function recordingSegments(events: readonly TraceEvent[]): RecordingSegment[] {
  const starts: number[] = [];
  events.forEach((event, index) => {
    if (event.kind === 'segment') starts.push(index);
  });
  if (starts[0] !== 0) starts.unshift(0);
  const segments: RecordingSegment[] = [];
  starts.forEach((start, i) => {
    const steps = events.slice(start, starts[i + 1] ?? events.length);
    const recorded = steps[0] ? setupOf(steps[0]) : null;
    const setup = recorded ?? inferSetup(steps);
    if (!setup) return;
    const joined = pageActors(steps).filter(
      (actor) => actor !== setup.sender && !setup.receivers.includes(actor),
    );
    segments.push({
      start,
      setup: { ...setup, receivers: [...setup.receivers, ...joined] },
      recorded: recorded !== null,
    });
  });
  return segments;
}

/** The run a replay showing the first `shown` steps is in: the last that has begun, else the first. */
export function segmentAt(
  segments: readonly RecordingSegment[],
  shown: number,
): RecordingSegment | null {
  let found = segments[0] ?? null;
  for (const segment of segments) if (segment.start < shown) found = segment;
  return found;
}

/**
 * Counters per run: folds every step of the trace, starting afresh at each
 * `segment` step (with the sender its set-up names). A step of a connection
 * that an earlier run opened (a poll aborted by the switch, answering late)
 * belongs to that run and is not counted in the new one. A trace without
 * `segment` steps is one run.
 */
export class SegmentedStats {
  private accumulator = new StatsAccumulator();
  private added = 0;
  private run = 0;
  /** Connection → the run it first appeared in. */
  private readonly connRun = new Map<string, number>();
  private starts: readonly number[] = [];
  private currentSetup: RunSetup | null = null;

  add(event: TraceEvent): void {
    if (event.kind === 'segment') {
      this.run++;
      this.currentSetup = setupOf(event);
      this.accumulator = new StatsAccumulator(
        this.currentSetup ? { sender: this.currentSetup.sender } : {},
      );
      this.starts = [...this.starts, this.added];
    } else if (this.inCurrentRun(event)) {
      this.accumulator.add(event);
    }
    this.added++;
  }

  /** Whether a step counts in the current run (faults concern every run). */
  private inCurrentRun(event: TraceEvent): boolean {
    if (event.kind === 'fault') return true;
    const run = this.connRun.get(event.conn);
    if (run === undefined) {
      this.connRun.set(event.conn, this.run);
      return true;
    }
    return run === this.run;
  }

  /** The current run's counters. */
  snapshot(): Stats {
    return this.accumulator.snapshot();
  }

  /** Index (among the steps added) of the current run's `segment` step; 0 when there is none. */
  get segmentStart(): number {
    return this.starts[this.starts.length - 1] ?? 0;
  }

  /** Indexes of every `segment` step, in order; a new array whenever one is added. */
  get segmentStarts(): readonly number[] {
    return this.starts;
  }

  /** The current run's set-up; null before the first `segment` step (or for a broken one). */
  get setup(): RunSetup | null {
    return this.currentSetup;
  }
}
