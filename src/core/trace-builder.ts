import type { TraceEvent } from './trace';

/** A step given by what matters to a test; the rest comes from the defaults. */
export type StepSketch = Partial<TraceEvent> & Pick<TraceEvent, 'kind' | 't'>;

/**
 * Builds a numbered trace from sketches of its steps: Bob's client view of
 * one connection unless a sketch says otherwise. For tests and examples.
 */
export function buildTrace(defaults: Partial<TraceEvent>, ...steps: StepSketch[]): TraceEvent[] {
  return steps.map((step, seq) => ({
    seq,
    observer: 'client',
    actor: 'bob',
    technique: 'long-poll',
    conn: 'c1',
    dir: 'none',
    ...defaults,
    ...step,
  }));
}
