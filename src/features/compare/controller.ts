import {
  checkRange,
  parseTraceFile,
  segmentEvent,
  SERVER_ACTOR,
  TECHNIQUES,
  type Technique,
  type TraceEvent,
  type TraceEventInput,
  type TraceFile,
  follow,
  wholeRunView,
} from '../../core';
import {
  COMPARE_RANGES,
  compareRunAfter,
  compareStore,
  compareTraces,
  type CompareSettings,
  type CompareTraces,
} from '../../store/compare-store';
import { labStore } from '../../store/lab-store';
import { traceClock } from '../../core/clock';
import { ObserverClient } from '../../transports/observer';
import { PAGE_ID } from '../../transports/page-id';
import { getSchedule } from '../../transports/schedule-api';
import { ServerSchedule } from '../../transports/schedule-client';
import { DEFAULT_PARTICIPANTS, OBSERVER_WAIT_MS, Session } from '../../transports/session';
import { ownStepsFilter, type OwnStepsFilter } from '../own-steps-filter';

/** How long the server waits before its first scheduled message: every receiver is listening by then. */
export const SCHEDULE_LEAD_MS = 600;
/** Who the server's schedule says its messages are from (the server's default). */
const SCHEDULE_FROM = 'ticker';
/** How often the page asks the server how far the schedule got. */
const PROGRESS_EVERY_MS = 500;

const SETTING_LABELS: Record<Exclude<keyof CompareSettings, 'pattern'>, string> = {
  receivers: 'Receivers',
  rate: 'Rate',
  count: 'Messages',
  seed: 'Seed',
};

/**
 * Sends each event to its technique's trace (events of no technique, like
 * publishes and faults, to all four) and to the whole. A server step goes
 * where the client that opened its connection went: a WebSocket client's
 * fallback long polls are the WebSocket's, though the server saw long polls.
 */
export function routeByTechnique(traces: CompareTraces): { append(event: TraceEventInput): void } {
  const owner = new Map<string, Technique>();
  return {
    append(event) {
      traces.all.append(event);
      if (event.observer === 'client' && event.technique) owner.set(event.conn, event.technique);
      const technique =
        event.observer === 'client' ? event.technique : (owner.get(event.conn) ?? event.technique);
      if (technique) traces.byTechnique[technique].append(event);
      else for (const t of TECHNIQUES) traces.byTechnique[t].append(event);
    },
  };
}

/** The lanes the server offers (GET /api/lanes), as base URLs this page can reach. */
async function fetchLanes(): Promise<Partial<Record<string, string>>> {
  const response = await fetch('/api/lanes');
  if (!response.ok) throw new Error(`GET /api/lanes answered ${response.status}`);
  const body = (await response.json()) as { lanes?: Array<{ name: string; port: number }> };
  const host = location.hostname.includes(':') ? `[${location.hostname}]` : location.hostname;
  return Object.fromEntries(
    (body.lanes ?? []).map((lane) => [lane.name, `${location.protocol}//${host}:${lane.port}`]),
  );
}

/**
 * Compare mode: the four techniques at once, for the same receivers, on one
 * message schedule the server plays from a seed. Each HTTP technique talks to
 * a lane (a port of its own), so no technique waits for a connection another
 * one holds; WebSockets and the observer use the page's own origin.
 */
export class CompareController {
  private sessions: Session[] = [];
  /** The page's client of the server's step stream (/api/observe). */
  private serverSteps: ObserverClient | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The run's schedule while it plays (this page owns it: it ends if the page goes). */
  private schedule: ServerSchedule | null = null;
  private run = 0;

  constructor(
    private readonly store = compareStore,
    private readonly traces = compareTraces,
    private readonly lab = labStore,
  ) {}

  private notice(text: string | null): void {
    this.store.setState({ notice: text });
  }

  /** Checks and applies one setting; returns the sentence explaining a bad value. */
  set(key: keyof CompareSettings, value: number | string): string | null {
    if (key === 'pattern') {
      if (value !== 'random' && value !== 'steady') return 'Pattern must be random or steady.';
      this.store.setState({ pattern: value });
      return null;
    }
    const number = Number(value);
    const error = checkRange(SETTING_LABELS[key], number, COMPARE_RANGES[key], {
      whole: key !== 'rate',
      ...(key === 'rate' ? { unit: 'messages a second' } : {}),
    });
    if (error) return error;
    this.store.setState({ [key]: number } as Partial<CompareSettings>);
    return null;
  }

  private clearTraces(): void {
    this.traces.all.clear();
    for (const t of TECHNIQUES) this.traces.byTechnique[t].clear();
  }

  async start(): Promise<void> {
    if (this.store.getState().running) return;
    const run = ++this.run;
    const settings = this.store.getState();
    const channel = this.beginRun();
    const origins = await this.laneOrigins();
    if (origins === null || run !== this.run) return;
    this.store.setState({ origins });

    const share = ownStepsFilter(routeByTechnique(this.traces));
    const receivers = DEFAULT_PARTICIPANTS.slice(1, 1 + settings.receivers);
    this.appendSetups(share, channel, receivers, settings.rate);
    await this.listenToServerSteps(share);
    if (run !== this.run) return;

    this.store.setState({ actors: receivers });
    await this.startSessions(channel, receivers, origins, share);
    if (run !== this.run) return;
    await this.startSchedule(run, channel, settings, share, receivers.length);
  }

  /** A fresh run: the traces cleared, a channel of its own, the view following from now. */
  private beginRun(): string {
    this.clearTraces();
    const base = this.lab.getState().channel.slice(0, 40);
    const channel = `${base}-cmp-${Date.now().toString(36)}`;
    this.store.setState({
      ...compareRunAfter(this.store.getState(), 'start'),
      notice: null,
      progress: null,
      clock: null,
      channel,
      anchor: traceClock(),
      view: follow(this.store.getState().view),
    });
    return channel;
  }

  /** Where each HTTP technique's lane is (WebSockets stay on the page's origin); null, said, when the server could not tell. */
  private async laneOrigins(): Promise<Partial<Record<Technique, string>> | null> {
    let lanes: Partial<Record<string, string>>;
    try {
      lanes = await fetchLanes();
    } catch (error) {
      this.fail(`The lab server could not say which ports to use (${String(error)}).`);
      return null;
    }
    const origins: Partial<Record<Technique, string>> = {};
    for (const t of TECHNIQUES) {
      const lane = t === 'websocket' ? undefined : lanes[t];
      if (lane) origins[t] = lane;
    }
    return origins;
  }

  /** Each technique's run begins with its set-up: the server sends, the receivers listen. */
  private appendSetups(
    share: OwnStepsFilter,
    channel: string,
    receivers: readonly string[],
    rate: number,
  ): void {
    const at = traceClock();
    for (const technique of TECHNIQUES) {
      share.append(
        segmentEvent(
          {
            technique,
            sender: null,
            receivers: [...receivers],
            knobs: { ...this.lab.getState().knobs },
            preset: null,
            serverSource: { ratePerSecond: rate, from: SCHEDULE_FROM, type: 'message' },
            reason: 'compare',
          },
          at,
          `segment-${channel}-${technique}`,
        ),
      );
    }
  }

  /** One session per technique, all listening on the run's channel. */
  private async startSessions(
    channel: string,
    receivers: string[],
    origins: Partial<Record<Technique, string>>,
    share: OwnStepsFilter,
  ): Promise<void> {
    this.sessions = TECHNIQUES.map(
      (technique) =>
        new Session({
          technique,
          channel,
          knobs: this.lab.getState().knobs,
          sender: null,
          receivers,
          baseUrl: origins[technique] ?? '',
          store: share,
          // A fresh channel: every receiver starts at its beginning.
          syncLastId: false,
        }),
    );
    await Promise.all(this.sessions.map((session) => session.start()));
  }

  /** The server's schedule for the run, then the watch that ends the run once every receiver has it all. */
  private async startSchedule(
    run: number,
    channel: string,
    settings: CompareSettings,
    share: OwnStepsFilter,
    receiverCount: number,
  ): Promise<void> {
    const schedule = new ServerSchedule({ channel, owner: PAGE_ID });
    this.schedule = schedule;
    const result = await schedule.start({
      rate: settings.rate,
      count: settings.count,
      seed: settings.seed,
      pattern: settings.pattern,
      delayMs: SCHEDULE_LEAD_MS,
    });
    if (run !== this.run) {
      void schedule.stop();
      return;
    }
    if (!result.ok) {
      this.schedule = null;
      this.fail(`The server did not start the schedule: ${result.error}.`);
      return;
    }
    share.adopt(result.status.id);
    this.store.setState({ progress: { sent: 0, count: result.status.count } });
    this.watch(run, channel, receiverCount * result.status.count);
  }

  private async listenToServerSteps(ownSteps: OwnStepsFilter): Promise<void> {
    await new Promise<void>((resolve) => {
      const client = new ObserverClient({
        baseUrl: '',
        owner: PAGE_ID,
        emit: (event) => ownSteps.append(event),
        onHello: () => resolve(),
        onClock: ({ offsetMs, uncertaintyMs }) =>
          this.store.setState({ clock: { offsetMs, uncertaintyMs } }),
      });
      this.serverSteps = client;
      client.start();
      setTimeout(resolve, OBSERVER_WAIT_MS);
    });
  }

  /** Follows the schedule; once it has played and every receiver of every technique has it all (or a grace period ran out), stops. */
  private watch(run: number, channel: string, expected: number): void {
    let finishedAt: number | null = null;
    const tick = async (): Promise<void> => {
      if (run !== this.run) return;
      try {
        const status = await getSchedule({ channel });
        if (run !== this.run) return;
        this.store.setState({ progress: { sent: status.sent, count: status.count } });
        if (!status.playing) {
          this.schedule?.markEnded();
          this.schedule = null;
          finishedAt ??= traceClock();
        }
      } catch {
        // The next tick asks again.
      }
      if (finishedAt !== null) {
        const everyone = TECHNIQUES.every(
          (t) => this.traces.byTechnique[t].getState().stats.delivered >= expected,
        );
        const grace = this.lab.getState().knobs.pollIntervalMs + 2_000;
        if (everyone || traceClock() - finishedAt > grace) {
          this.stop();
          if (!everyone)
            this.notice(
              'Stopped before every receiver had every message: see the Delivered column.',
            );
          return;
        }
      }
      this.timer = setTimeout(() => void tick(), PROGRESS_EVERY_MS);
    };
    this.timer = setTimeout(() => void tick(), PROGRESS_EVERY_MS);
  }

  private fail(text: string): void {
    this.stop();
    this.notice(text);
  }

  /** Ends the run: the schedule (if still playing), every session, the observer. */
  stop(): void {
    this.run++;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    void this.schedule?.stop();
    this.schedule = null;
    for (const session of this.sessions) session.stop();
    this.sessions = [];
    this.serverSteps?.stop();
    this.serverSteps = null;
    for (const t of TECHNIQUES) this.traces.byTechnique[t].flush();
    this.traces.all.flush();
    this.store.setState((s) => compareRunAfter(s, 'stop'));
  }

  /** Shows a recorded compare run (all four techniques in one trace file). Returns an error sentence, if any. */
  load(text: string): string | null {
    let file: TraceFile;
    try {
      file = parseTraceFile(JSON.parse(text) as unknown);
    } catch (error) {
      return `That file is not a trace: ${error instanceof Error ? error.message : String(error)}`;
    }
    const events: TraceEvent[] = file.events;
    if (!events.some((e) => e.technique !== null))
      return 'That trace has no technique’s traffic in it.';
    this.stop();
    const sorted = [...events].sort((a, b) => a.t - b.t || a.seq - b.seq);
    this.traces.all.load(sorted);
    for (const t of TECHNIQUES)
      this.traces.byTechnique[t].load(
        sorted.filter((e) => e.technique === t || e.technique === null),
      );
    const actors = [
      ...new Set(
        sorted
          .filter(
            (e) => e.observer === 'client' && e.kind !== 'segment' && e.actor !== SERVER_ACTOR,
          )
          .map((e) => e.actor),
      ),
    ];
    const first = sorted[0]!.t;
    const last = sorted[sorted.length - 1]!.t;
    this.store.setState((s) => ({
      ...compareRunAfter(s, 'load'),
      clock: file.clock ?? null,
      actors,
      notice: null,
      progress: null,
      anchor: first,
      view: wholeRunView(s.view, first, last),
    }));
    return null;
  }
}

export const compareController = new CompareController();
