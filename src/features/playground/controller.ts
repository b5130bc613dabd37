import {
  BACKOFF_RANGES,
  checkKnob,
  checkRange,
  DEMO_HEARTBEAT_MS,
  KNOB_RANGES,
  PRESET_IDS,
  presetById,
  segmentEvent,
  sendGaps,
  type RunSetup,
  type SegmentReason,
  type SendPattern,
  type Technique,
  type Knobs,
} from '../../core';
import {
  labStore,
  type LabState,
  MAX_AUTO_RATE,
  MAX_RECEIVERS,
  MAX_SEED,
  labRunAfter,
  receiveInto,
} from '../../store/lab-store';
import { traceStore, type TraceStore } from '../../store/trace-store';
import { traceClock } from '../../core/clock';
import { DEFAULT_PARTICIPANTS, Session } from '../../transports/session';
import { PAGE_ID } from '../../transports/page-id';
import { ServerSchedule } from '../../transports/schedule-client';
import { ownStepsFilter, type OwnStepsFilter } from '../own-steps-filter';
import { presetState } from '../share/url-state';
import { DEFAULT_SSE_EVENT_TYPES } from '../../transports/sse';

/** What each knob is called on screen, and its range. */
/** The knobs that are numbers of ms (the jitter switch is not). */
export type NumericKnob = Exclude<keyof Knobs, 'backoffJitter'>;

/** How often the server may send a preset's messages, a second. */
export const SERVER_RATE = { min: 0.1, max: 20 };

export const KNOB_FIELDS: Array<{
  key: NumericKnob;
  label: string;
  range: { min: number; max: number };
  /** The technique whose panel shows it; 'all' for the reconnect knobs every technique uses. */
  technique: Technique | 'all';
}> = [
  {
    key: 'pollIntervalMs',
    label: 'Poll interval',
    range: KNOB_RANGES.pollInterval,
    technique: 'short-poll',
  },
  {
    key: 'longPollTimeoutMs',
    label: 'Long-poll timeout',
    range: KNOB_RANGES.timeout,
    technique: 'long-poll',
  },
  { key: 'sseRetryMs', label: 'SSE retry', range: KNOB_RANGES.retry, technique: 'sse' },
  { key: 'sseHeartbeatMs', label: 'SSE heartbeat', range: KNOB_RANGES.heartbeat, technique: 'sse' },
  {
    key: 'wsHeartbeatMs',
    label: 'WebSocket heartbeat',
    range: KNOB_RANGES.heartbeat,
    technique: 'websocket',
  },
  {
    key: 'backoffBaseMs',
    label: 'Backoff base',
    range: BACKOFF_RANGES.baseMs,
    technique: 'all',
  },
  { key: 'backoffCapMs', label: 'Backoff cap', range: BACKOFF_RANGES.capMs, technique: 'all' },
];

/** Why Start does nothing while a recording is replayed (shown beside Start, and as a notice). */
export const REPLAY_START_BLOCKED =
  'A recording is playing: press Back to live to run live traffic.';
/** Why the set-up cannot change while a recording is replayed: the page shows the recording's. */
export const REPLAY_SETUP_BLOCKED =
  'A recording is playing: the set-up shown is the recording’s; press Back to live to change it.';

/** The set-up a run begins with, as its `segment` step records it. */
export function runSetupOf(state: LabState, reason: SegmentReason): RunSetup {
  return {
    technique: state.technique,
    sender: state.sender,
    receivers: [...state.receivers],
    knobs: { ...state.knobs },
    preset: state.preset,
    serverSource: state.serverSource ? { ...state.serverSource } : null,
    reason,
  };
}

/**
 * Runs the playground: owns the Session of participants, the auto-send timer
 * and the preset's server schedule, and turns the learner's actions into
 * session calls. UI components call it; it writes what the page shows into
 * the lab store.
 *
 * Starting and stopping happen one at a time, in the order asked: stop()
 * resolves once the server has answered its schedule's DELETE, and a start()
 * asked for meanwhile runs after it, so a new run never finds the old run's
 * schedule on the channel. A start that a later start or stop has overtaken
 * does nothing.
 */
export class LabController {
  private session: Session | null = null;
  /** The server schedule this run started (stopped with the run). */
  private schedule: ServerSchedule | null = null;
  private ownSteps: OwnStepsFilter | null = null;
  private autoTimer: ReturnType<typeof setTimeout> | null = null;
  private autoCount = 0;
  /** Segments this controller began (their `conn`s). */
  private segments = 0;
  /** Every start and stop, run one after the other. */
  private queue: Promise<void> = Promise.resolve();
  /** Bumped by each start() and stop(): a queued start that finds it changed was overtaken. */
  private asked = 0;

  constructor(
    private readonly lab = labStore,
    private readonly trace: TraceStore = traceStore,
    private readonly owner = PAGE_ID,
  ) {}

  private notice(text: string | null): void {
    this.lab.setState({ notice: text });
  }

  /** While a recording is replayed the page shows its set-up: changing it waits for Back to live. */
  private refusedWhileReplaying(): boolean {
    if (!this.lab.getState().replaying) return false;
    this.notice(REPLAY_SETUP_BLOCKED);
    return true;
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Opens a step in the inspector (null closes it). */
  inspect(seq: number | null): void {
    this.lab.setState({ inspected: seq });
  }

  /** A recording was loaded or closed (the replay's set-up has taken the page, or given it back): nothing stays inspected. */
  replayChanged(active: boolean): void {
    this.lab.setState((s) => ({ ...labRunAfter(s, active ? 'replay' : 'live'), inspected: null }));
  }

  /** Starts a run (after any stop still waiting for the server); resolves once it runs. */
  start(clearTrace = true): Promise<void> {
    if (this.lab.getState().replaying) {
      this.notice(REPLAY_START_BLOCKED);
      return Promise.resolve();
    }
    const ticket = ++this.asked;
    if (!this.session) this.lab.setState((s) => ({ ...labRunAfter(s, 'start'), notice: null }));
    return this.enqueue(() => this.startNow(ticket, clearTrace));
  }

  /** Stops the run at once; resolves when the server has answered the schedule's DELETE. */
  stop(): Promise<void> {
    this.asked++;
    this.halt();
    return this.enqueue(() => this.stopNow());
  }

  /** Everything on the page's side stops now: auto-send, every participant, the observer. */
  private halt(): void {
    this.stopAuto();
    this.session?.stop();
    this.session = null;
    this.ownSteps = null;
    this.lab.setState((s) => labRunAfter(s, 'stop'));
  }

  private async stopNow(): Promise<void> {
    // stop() halted the page's side already; what is left is the server's schedule.
    const schedule = this.schedule;
    this.schedule = null;
    await schedule?.stop();
  }

  private async startNow(ticket: number, clearTrace: boolean): Promise<void> {
    if (ticket !== this.asked || this.session) return;
    const state = this.lab.getState();
    if (state.replaying) {
      this.notice(REPLAY_START_BLOCKED);
      return;
    }
    if (clearTrace) {
      this.trace.clear();
      this.lab.setState({ inboxes: {}, inspected: null });
    }
    const share = ownStepsFilter(this.trace);
    share.append(
      segmentEvent(
        runSetupOf(state, clearTrace ? 'start' : 'switch'),
        traceClock(),
        `segment-${++this.segments}`,
      ),
    );
    const session = new Session({
      technique: state.technique,
      channel: state.channel,
      knobs: state.knobs,
      sender: state.sender,
      receivers: state.receivers,
      observe: true,
      owner: this.owner,
      store: share,
      ...(state.serverSource
        ? { eventTypes: [...DEFAULT_SSE_EVENT_TYPES, state.serverSource.type] }
        : {}),
      onClock: (clock) => this.lab.setState({ clock }),
      onMessage: (receiver, message) =>
        this.lab.setState((s) => ({ inboxes: receiveInto(s.inboxes, receiver, message) })),
    });
    this.session = session;
    this.lab.setState((s) => ({ ...labRunAfter(s, 'start'), notice: null }));
    await session.start();
    if (this.session !== session) return;
    this.applyAutoRate();
    this.ownSteps = share;
    if (state.serverSource) await this.playServerSource(state.channel, state.serverSource, share);
  }

  /** How often the server sends a preset's messages; a running schedule restarts at the new rate. */
  async setServerRate(rate: number): Promise<string | null> {
    if (this.lab.getState().replaying) return REPLAY_SETUP_BLOCKED;
    const source = this.lab.getState().serverSource;
    if (!source) return 'This set-up has no messages from the server to pace.';
    const error = checkRange('Server sends', rate, SERVER_RATE, { unit: 'messages a second' });
    if (error) return error;
    const next = { ...source, ratePerSecond: rate };
    this.lab.setState({ serverSource: next });
    await this.enqueue(async () => {
      const schedule = this.schedule;
      if (!schedule || !this.ownSteps || !this.session) return;
      this.schedule = null;
      await schedule.stop();
      if (this.session && this.ownSteps) {
        await this.playServerSource(this.session.channel, next, this.ownSteps);
      }
    });
    return null;
  }

  /** The server originates the preset's messages: a schedule on the channel, for as long as the run lasts. */
  private async playServerSource(
    channel: string,
    source: NonNullable<LabState['serverSource']>,
    ownSteps: OwnStepsFilter,
  ): Promise<void> {
    const schedule = new ServerSchedule({
      channel,
      owner: this.owner,
      onEnded: () => this.scheduleEnded(schedule),
    });
    // Set before the POST is answered: a stop queued meanwhile ends what it starts.
    this.schedule = schedule;
    const result = await schedule.start({
      rate: source.ratePerSecond,
      // Ten minutes' worth; the lease and the page's observer end it sooner if the page goes.
      count: Math.max(10, Math.min(10_000, Math.round(source.ratePerSecond * 600))),
      pattern: 'random',
      from: source.from,
      type: source.type,
    });
    if (!result.ok) {
      if (this.schedule === schedule) this.schedule = null;
      this.notice(
        result.status === 409
          ? `Another page is playing its own server messages on the channel "${channel}". Stop it there, or open /?channel=<name> for a channel of your own.`
          : `The server could not start sending the preset’s messages (${result.error}). Press Stop, then Start.`,
      );
      return;
    }
    ownSteps.adopt(result.status.id);
  }

  /** The server ended the run's schedule on its own (its lease lapsed while the tab slept): start it again. */
  private scheduleEnded(schedule: ServerSchedule): void {
    if (this.schedule !== schedule) return;
    this.schedule = null;
    void this.enqueue(async () => {
      const source = this.lab.getState().serverSource;
      if (this.session && this.ownSteps && source && !this.schedule)
        await this.playServerSource(this.session.channel, source, this.ownSteps);
    });
  }

  /** Loads a preset (technique, participants, message source and rate, knobs) and runs it. */
  async applyPreset(id: string): Promise<string | null> {
    const preset = presetById(id);
    if (!preset) {
      return `There is no preset "${id.slice(0, 40)}": choose one of ${PRESET_IDS.join(', ')}.`;
    }
    if (this.refusedWhileReplaying()) return REPLAY_SETUP_BLOCKED;
    const stopped = this.stop();
    this.lab.setState({ ...presetState(preset), notice: null });
    const started = this.start();
    await stopped;
    await started;
    return null;
  }

  /** Switching technique while running stops the run and starts the new technique, keeping the trace. */
  async setTechnique(technique: Technique): Promise<void> {
    if (this.lab.getState().technique === technique) return;
    if (this.refusedWhileReplaying()) return;
    const wasRunning = this.lab.getState().running;
    const stopped = this.stop();
    this.lab.setState({ technique });
    if (!wasRunning) return stopped;
    const started = this.start(false);
    await stopped;
    await started;
  }

  async send(text: string): Promise<boolean> {
    const trimmed = text.trim();
    if (trimmed === '') {
      this.notice('Type a message first: an empty message is not sent.');
      return false;
    }
    if (!this.session) {
      this.notice('Press Start first: the participants connect when the run starts.');
      return false;
    }
    try {
      await this.session.send(trimmed);
      this.notice(null);
      return true;
    } catch (error) {
      this.notice(
        `The message was not sent: ${error instanceof Error ? error.message : String(error)}`,
      );
      return false;
    }
  }

  addReceiver(): void {
    if (this.refusedWhileReplaying()) return;
    const state = this.lab.getState();
    if (state.receivers.length >= MAX_RECEIVERS) {
      this.notice(`At most ${MAX_RECEIVERS} receivers: each holds its own connections.`);
      return;
    }
    const taken = new Set([state.sender, ...state.receivers]);
    const name = this.session
      ? this.session.addReceiver()
      : DEFAULT_PARTICIPANTS.find((n) => !taken.has(n));
    if (!name) return;
    this.lab.setState({ receivers: [...state.receivers, name], notice: null });
  }

  removeReceiver(name: string): void {
    if (this.refusedWhileReplaying()) return;
    const state = this.lab.getState();
    if (state.receivers.length <= 1) {
      this.notice('Keep at least one receiver, or there is nobody to deliver to.');
      return;
    }
    this.session?.removeReceiver(name);
    const inboxes = { ...state.inboxes };
    delete inboxes[name];
    this.lab.setState({
      receivers: state.receivers.filter((r) => r !== name),
      inboxes,
      notice: null,
    });
  }

  /** Checks a knob and applies it (a running session restarts what it must). Returns the error, if any. */
  setKnob(key: NumericKnob, value: number): string | null {
    if (this.lab.getState().replaying) return REPLAY_SETUP_BLOCKED;
    const field = KNOB_FIELDS.find((f) => f.key === key)!;
    const error = checkKnob(field.label, value, field.range);
    if (error) return error;
    const knobs = { ...this.lab.getState().knobs, [key]: value };
    this.lab.setState({ knobs });
    this.session?.setKnobs(knobs);
    return null;
  }

  /**
   * Demo heartbeats: SSE and WebSocket heartbeats every 2 s, for the half-open
   * lesson (a silent connection is then noticed in about 5 s, not 40–75 s).
   * One change: each stream or socket reopens once to take it.
   */
  demoHeartbeats(): void {
    const knobs = {
      ...this.lab.getState().knobs,
      sseHeartbeatMs: DEMO_HEARTBEAT_MS,
      wsHeartbeatMs: DEMO_HEARTBEAT_MS,
    };
    this.lab.setState({ knobs });
    this.session?.setKnobs(knobs);
  }

  /** Full jitter on or off for every reconnect wait. */
  setJitter(on: boolean): void {
    if (this.refusedWhileReplaying()) return;
    const knobs = { ...this.lab.getState().knobs, backoffJitter: on };
    this.lab.setState({ knobs });
    this.session?.setKnobs(knobs);
  }

  setAutoRate(rate: number): void {
    const clamped = Math.min(MAX_AUTO_RATE, Math.max(0, rate));
    this.lab.setState({ autoRate: clamped });
    this.applyAutoRate();
  }

  /** Random (Poisson) or steady automatic sends; a running auto-send restarts with it. */
  setAutoPattern(pattern: SendPattern): void {
    if (this.lab.getState().autoPattern === pattern) return;
    this.lab.setState({ autoPattern: pattern });
    this.applyAutoRate();
  }

  /** Checks the random pattern's seed and applies it. Returns the error, if any. */
  setAutoSeed(seed: number): string | null {
    if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED)
      return `Seed must be a whole number between 0 and ${MAX_SEED}`;
    this.lab.setState({ autoSeed: seed });
    this.applyAutoRate();
    return null;
  }

  /**
   * (Re)starts the automatic sends: a chain of timeouts whose waits come from
   * a fresh generator, so the same rate, pattern and seed give the same gaps
   * each time auto-send starts.
   */
  private applyAutoRate(): void {
    this.stopAuto();
    const { autoRate: rate, autoPattern, autoSeed } = this.lab.getState();
    if (!this.session || rate <= 0) return;
    const nextGap = sendGaps(autoPattern, rate, autoSeed);
    const schedule = () => {
      this.autoTimer = setTimeout(() => {
        this.sendAuto();
        schedule();
      }, nextGap());
    };
    schedule();
  }

  private sendAuto(): void {
    this.autoCount++;
    this.session?.send(`auto #${this.autoCount}`).catch((error: unknown) => {
      this.notice(
        `An automatic message was not sent: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }

  private stopAuto(): void {
    if (this.autoTimer !== null) clearTimeout(this.autoTimer);
    this.autoTimer = null;
  }
}

export const labController = new LabController();
