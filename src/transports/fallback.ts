import type { TraceEventInput } from '../core';
import { connIds } from './conn-ids';
import { traceClock } from '../core/clock';
import { toWebSocketUrl, channelUrl } from './urls';
import { LongPollTransport } from './long-poll';
import type { Knobs, Transport, TransportOptions, TransportState } from './types';
import { CLIENT_ERROR_CODES, TransportError } from './transport-error';
import { WebSocketTransport } from './websocket';

/** Failed opens in a row (refused upgrades, sockets that die before opening) before falling back. */
export const FALLBACK_AFTER_FAILURES = 3;
/** While on long polling, how often to try a WebSocket again. */
export const PROBE_EVERY_MS = 5000;

/** How the current run of socket opens went. */
interface SocketAttempts {
  readonly sawOpen: boolean;
  readonly failures: number;
}

/**
 * Where a WebSocket-with-fallback client is; each state holds only what is true in it:
 * - `idle-on-socket`, `on-socket`: stopped (or never started) / running on the
 *   WebSocket; `failures` opens failed in a row, `sawOpen` the current attempt opened;
 * - `idle-on-polls`: stopped while fallen back to long polling (start() resumes them);
 * - `probe-due`: running on long polling, a probe socket due when `timer` fires;
 * - `probing`: running on long polling, the `probe` socket opening.
 */
type FallbackState =
  | ({ readonly phase: 'idle-on-socket' } & SocketAttempts)
  | ({ readonly phase: 'on-socket' } & SocketAttempts)
  | { readonly phase: 'idle-on-polls'; readonly polls: LongPollTransport }
  | {
      readonly phase: 'probe-due';
      readonly polls: LongPollTransport;
      readonly timer: ReturnType<typeof setTimeout>;
    }
  | { readonly phase: 'probing'; readonly polls: LongPollTransport; readonly probe: WebSocket };

/**
 * WebSocket with a way out: when the upgrade keeps failing (a proxy that
 * refuses it, sockets that die before opening) the client falls back to long
 * polling from its last id, keeps delivering, and every PROBE_EVERY_MS opens
 * a probe socket; the first probe that opens brings it back to WebSocket,
 * again from the last id. The switch is traced as a `fallback` step; the long
 * polls are traced as this client's (technique `websocket`, `details.fallback`).
 */
export class WebSocketWithFallback implements Transport {
  readonly technique = 'websocket' as const;
  private ws: WebSocketTransport;
  private life: FallbackState = { phase: 'idle-on-socket', sawOpen: false, failures: 0 };
  private knobs: Knobs;
  private readonly now: () => number;

  constructor(private readonly options: TransportOptions) {
    this.knobs = { ...options.knobs };
    this.now = options.now ?? traceClock;
    this.ws = this.makeSocket(options.since);
  }

  get state(): TransportState {
    return this.carrier().state;
  }

  get lastId(): number | undefined {
    const ids = [this.ws.lastId, this.polls()?.lastId].filter((id) => id !== undefined);
    return ids.length ? Math.max(...ids) : undefined;
  }

  /** Whether the client is on its long-polling fallback now. */
  get fallenBack(): boolean {
    return this.polls() !== undefined;
  }

  start(): void {
    const state = this.life;
    if (state.phase === 'idle-on-socket') {
      this.enter({ ...state, phase: 'on-socket' });
      this.ws.start();
    } else if (state.phase === 'idle-on-polls') {
      this.scheduleProbe(state.polls);
      state.polls.start();
    }
  }

  stop(): void {
    const state = this.life;
    if (state.phase === 'idle-on-socket' || state.phase === 'idle-on-polls') return;
    if (state.phase === 'on-socket') {
      this.enter({ ...state, phase: 'idle-on-socket' });
    } else {
      this.clearProbe(state);
      this.enter({ phase: 'idle-on-polls', polls: state.polls });
    }
    this.ws.stop();
    this.polls()?.stop();
  }

  /**
   * Sends over what carries the messages now. A message that waited for a socket which was
   * then given up (the fallback stops it: RL_ERR_STOPPED) goes over the long polls instead, so
   * a message typed during the switch is not refused.
   */
  async send(text: string, type?: string): Promise<number> {
    const carrier = this.carrier();
    try {
      return await carrier.send(text, type);
    } catch (error) {
      const polls = this.polls();
      const stopped = error instanceof TransportError && error.code === CLIENT_ERROR_CODES.STOPPED;
      if (!stopped || carrier !== this.ws || polls === undefined) throw error;
      return polls.send(text, type);
    }
  }

  updateKnobs(knobs: Knobs): void {
    this.knobs = { ...knobs };
    this.ws.updateKnobs(knobs);
    this.polls()?.updateKnobs(knobs);
  }

  /** The one transition: every change of state goes through here. */
  private enter(next: FallbackState): void {
    this.life = next;
  }

  /** The long polls while fallen back. */
  private polls(): LongPollTransport | undefined {
    const life = this.life;
    return 'polls' in life ? life.polls : undefined;
  }

  /** What carries the messages now: the long polls while fallen back, else the socket. */
  private carrier(): Transport {
    return this.polls() ?? this.ws;
  }

  private makeSocket(since: number | undefined): WebSocketTransport {
    const options: TransportOptions = {
      ...this.options,
      knobs: this.knobs,
      onState: (state) => {
        this.socketState(state);
        this.options.onState?.(state);
      },
    };
    if (since !== undefined) options.since = since;
    else delete options.since;
    return new WebSocketTransport(options);
  }

  /** Counts the socket's failed opens in a row; falls back once there are enough. */
  private socketState(socketState: TransportState): void {
    const state = this.life;
    if (state.phase !== 'on-socket' && state.phase !== 'idle-on-socket') return;
    if (socketState === 'open') {
      this.enter({ ...state, sawOpen: true, failures: 0 });
    } else if (socketState === 'reconnect-wait') {
      const failures = state.sawOpen ? state.failures : state.failures + 1;
      this.enter({ ...state, sawOpen: false, failures });
      if (failures >= FALLBACK_AFTER_FAILURES && state.phase === 'on-socket') {
        this.fallBack(failures);
      }
    }
  }

  private trace(kind: TraceEventInput['kind'], conn: string, note: string): void {
    this.options.emit({
      t: this.now(),
      observer: 'client',
      actor: this.options.actor,
      technique: 'websocket',
      conn,
      kind,
      dir: 'none',
      details: { note },
    });
  }

  private fallBack(failures: number): void {
    const since = this.ws.lastId ?? this.options.since;
    this.ws.stop();
    const conn = connIds.next(this.options.actor, 'long-poll');
    this.trace(
      'fallback',
      conn,
      `WebSocket failed to open ${failures} times in a row: falling back to long polling${since === undefined ? '' : ` from id ${since}`}`,
    );
    const options: TransportOptions = {
      ...this.options,
      knobs: this.knobs,
      // The long polls are this WebSocket client's, carried another way.
      emit: (event) =>
        this.options.emit({
          ...event,
          technique: 'websocket',
          details: { ...event.details, fallback: true },
        }),
    };
    if (since !== undefined) options.since = since;
    const polls = new LongPollTransport(options);
    this.scheduleProbe(polls);
    polls.start();
  }

  private scheduleProbe(polls: LongPollTransport): void {
    this.enter({
      phase: 'probe-due',
      polls,
      timer: setTimeout(() => this.runProbe(), PROBE_EVERY_MS),
    });
  }

  private clearProbe(state: FallbackState): void {
    if (state.phase === 'probe-due') clearTimeout(state.timer);
    if (state.phase === 'probing') {
      state.probe.onopen = null;
      state.probe.onclose = null;
      state.probe.close();
    }
  }

  /**
   * Opens a socket that asks for no history (no `since`: live only, and it closes as soon as it
   * opens) to see whether upgrades work again. An id above the channel's would not do: the
   * server answers it as ahead, with every message it keeps (protocol.md, "Resuming ahead").
   */
  private runProbe(): void {
    const state = this.life;
    if (state.phase !== 'probe-due') return;
    const polls = state.polls;
    const conn = connIds.next(this.options.actor, 'websocket');
    const url = toWebSocketUrl(
      channelUrl(this.options.baseUrl, this.options.channel, 'ws', {
        client: this.options.actor,
        rid: conn,
      }),
    );
    this.trace('request', conn, 'probe: can a WebSocket open again?');
    let probe: WebSocket;
    try {
      probe = new WebSocket(url);
    } catch {
      this.scheduleProbe(polls);
      return;
    }
    this.enter({ phase: 'probing', polls, probe });
    probe.onopen = () => {
      probe.onclose = null;
      probe.close(1000, 'probe done');
      this.trace('close', conn, 'probe opened: back to WebSocket');
      this.comeBack(polls);
    };
    probe.onclose = () => {
      this.trace('close', conn, 'probe refused: staying on long polling');
      this.scheduleProbe(polls);
    };
  }

  private comeBack(polls: LongPollTransport): void {
    const since = polls.lastId ?? this.ws.lastId;
    polls.stop();
    this.ws = this.makeSocket(since);
    this.enter({ phase: 'on-socket', sawOpen: false, failures: 0 });
    this.trace(
      'fallback',
      connIds.next(this.options.actor, 'websocket'),
      `WebSocket works again: leaving long polling${since === undefined ? '' : ` from id ${since}`}`,
    );
    this.ws.start();
  }
}
