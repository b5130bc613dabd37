import {
  checkKnob,
  mergeRecordedKnobs,
  presetById,
  recordingSegments,
  segmentAt,
  type RecordedClock,
  type RecordingSegment,
  type RunSetup,
  type TraceEvent,
  DEFAULT_KNOBS,
  type Knobs,
} from '../../core';
import { labRunAfter, labStore, type LabState } from '../../store/lab-store';
import { KNOB_FIELDS, labController } from '../playground/controller';

/** The page's own set-up, kept aside while a recording shows its own. */
type PageSetup = Pick<
  LabState,
  'technique' | 'sender' | 'receivers' | 'knobs' | 'preset' | 'serverSource' | 'inboxes' | 'clock'
>;

function pageSetup(state: LabState): PageSetup {
  const { technique, sender, receivers, knobs, preset, serverSource, inboxes, clock } = state;
  return { technique, sender, receivers, knobs, preset, serverSource, inboxes, clock };
}

/** A recording's knobs: each one it names and the page can use; the others at their defaults. */
export function knobsOf(setup: RunSetup): Knobs {
  const knobs = mergeRecordedKnobs(DEFAULT_KNOBS, setup.knobs);
  for (const field of KNOB_FIELDS) {
    if (checkKnob(field.label, knobs[field.key], field.range) !== null)
      knobs[field.key] = DEFAULT_KNOBS[field.key];
  }
  return knobs;
}

/** What the page shows of a recorded run's set-up; `sender` stands in when the run had none on the page. */
export function labFieldsOf(setup: RunSetup, sender: string): Partial<LabState> {
  return {
    technique: setup.technique,
    sender: setup.sender ?? sender,
    receivers: [...setup.receivers],
    knobs: knobsOf(setup),
    preset: setup.preset === null ? null : (presetById(setup.preset)?.id ?? null),
    serverSource: setup.serverSource ? { ...setup.serverSource } : null,
  };
}

/**
 * While a recording is replayed the page takes on its set-up: the technique,
 * participants, knobs and preset of the run being replayed (from its
 * `segment` step, or inferred from the steps of an older recording), so the
 * explanation, the knobs and the theory panel are the recording's. The live
 * run stops; the page's own set-up comes back when the replay ends.
 */
export class ReplaySetup {
  private saved: PageSetup | null = null;
  private segments: RecordingSegment[] = [];
  private shown: RecordingSegment | null = null;
  private clock: LabState['clock'] = null;

  constructor(
    private readonly lab = labStore,
    private readonly stopLive: () => void = () => labController.stop(),
  ) {}

  get active(): boolean {
    return this.saved !== null;
  }

  /** The page's own clock estimate, even while a recording shows its own (for exporting the live trace). */
  get traceClock(): LabState['clock'] {
    return this.saved ? this.saved.clock : this.lab.getState().clock;
  }

  /** A recording loaded (time-ordered steps, and the clock estimate it was exported with). */
  enter(recording: readonly TraceEvent[], clock?: RecordedClock): void {
    this.stopLive();
    // Loading a second recording keeps the page's own set-up from before the first.
    this.saved ??= pageSetup(this.lab.getState());
    this.segments = recordingSegments(recording);
    // A recorded estimate has no live sync exchanges behind it: samples 0.
    this.clock = clock ? { ...clock, samples: 0 } : null;
    this.shown = null;
    this.lab.setState((s) => ({
      ...labRunAfter(s, 'replay'),
      inspected: null,
      inboxes: {},
      clock: this.clock,
    }));
    this.follow(0);
  }

  /** The replay shows the first `count` steps: the page shows the set-up of the run they are in. */
  follow(count: number): void {
    if (!this.saved) return;
    const segment = segmentAt(this.segments, count);
    if (!segment || segment === this.shown) return;
    this.shown = segment;
    this.lab.setState(labFieldsOf(segment.setup, this.saved.sender));
  }

  /** The replay ended: the page's own set-up comes back. */
  leave(): void {
    if (!this.saved) return;
    const saved = this.saved;
    this.saved = null;
    this.segments = [];
    this.shown = null;
    this.clock = null;
    this.lab.setState((s) => ({ ...saved, ...labRunAfter(s, 'live'), inspected: null }));
  }
}

/** The playground's one. */
export const replaySetup = new ReplaySetup();
