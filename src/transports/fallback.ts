import type { TraceEventInput } from '../core';
import { connIds } from './conn-ids';
import { pageClock } from './page-clock';
import { toWebSocketUrl, channelUrl } from './urls';
import { LongPollTransport } from './long-poll';
import type { Knobs, Transport, TransportOptions, TransportState } from './types';
import { WebSocketTransport } from './websocket';

/** Failed opens in a row (refused upgrades, sockets that die before opening) before falling back. */
export const FALLBACK_AFTER_FAILURES = 3;
/** While on long polling, how often to try a WebSocket again. */
export const PROBE_EVERY_MS = 5000;

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
  private polls: LongPollTransport | null = null;
  private failures = 0;
  private sawOpen = false;
  private probeTimer: ReturnType<typeof setTimeout> | null = null;
  private probe: WebSocket | null = null;
  private running = false;
  private knobs: Knobs;
  private readonly now: () => number;

  constructor(private readonly options: TransportOptions) {
    this.knobs = { ...options.knobs };
    this.now = options.now ?? pageClock;
    this.ws = this.makeSocket(options.since);
  }

  get state(): TransportState {
    return (this.polls ?? this.ws).state;
  }

  get lastId(): number | undefined {
    const ids = [this.ws.lastId, this.polls?.lastId].filter((id) => id !== undefined);
    return ids.length ? Math.max(...ids) : undefined;
  }

  /** Whether the client is on its long-polling fallback now. */
  get fallenBack(): boolean {
    return this.polls !== null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    (this.polls ?? this.ws).start();
    if (this.polls) this.scheduleProbe();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.clearProbe();
    this.ws.stop();
    this.polls?.stop();
  }

  send(text: string, type?: string): Promise<number> {
    return (this.polls ?? this.ws).send(text, type);
  }

  updateKnobs(knobs: Knobs): void {
    this.knobs = { ...knobs };
    this.ws.updateKnobs(knobs);
    this.polls?.updateKnobs(knobs);
  }

  private makeSocket(since: number | undefined): WebSocketTransport {
    const options: TransportOptions = {
      ...this.options,
      knobs: this.knobs,
      onState: (state) => {
        if (state === 'open') {
          this.sawOpen = true;
          this.failures = 0;
        } else if (state === 'reconnect-wait') {
          if (!this.sawOpen) this.failures++;
          this.sawOpen = false;
          if (this.failures >= FALLBACK_AFTER_FAILURES && this.running && !this.polls)
            this.fallBack();
        }
        this.options.onState?.(state);
      },
    };
    if (since !== undefined) options.since = since;
    else delete options.since;
    return new WebSocketTransport(options);
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

  private fallBack(): void {
    const since = this.ws.lastId ?? this.options.since;
    this.ws.stop();
    const conn = connIds.next(this.options.actor, 'long-poll');
    this.trace(
      'fallback',
      conn,
      `WebSocket failed to open ${this.failures} times in a row: falling back to long polling${since === undefined ? '' : ` from id ${since}`}`,
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
    this.polls = new LongPollTransport(options);
    this.polls.start();
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    this.clearProbe();
    this.probeTimer = setTimeout(() => this.runProbe(), PROBE_EVERY_MS);
  }

  private clearProbe(): void {
    if (this.probeTimer !== null) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    if (this.probe) {
      this.probe.onopen = null;
      this.probe.onclose = null;
      this.probe.close();
      this.probe = null;
    }
  }

  /** Opens a socket that asks for nothing (since = the newest id possible) to see whether upgrades work again. */
  private runProbe(): void {
    this.probeTimer = null;
    if (!this.running || !this.polls) return;
    const conn = connIds.next(this.options.actor, 'websocket');
    const url = toWebSocketUrl(
      channelUrl(this.options.baseUrl, this.options.channel, 'ws', {
        since: Number.MAX_SAFE_INTEGER,
        client: this.options.actor,
        rid: conn,
      }),
    );
    this.trace('request', conn, 'probe: can a WebSocket open again?');
    let probe: WebSocket;
    try {
      probe = new WebSocket(url);
    } catch {
      this.scheduleProbe();
      return;
    }
    this.probe = probe;
    probe.onopen = () => {
      this.probe = null;
      probe.onclose = null;
      probe.close(1000, 'probe done');
      this.trace('close', conn, 'probe opened: back to WebSocket');
      this.comeBack();
    };
    probe.onclose = () => {
      this.probe = null;
      this.trace('close', conn, 'probe refused: staying on long polling');
      this.scheduleProbe();
    };
  }

  private comeBack(): void {
    const polls = this.polls;
    if (!polls || !this.running) return;
    const since = polls.lastId ?? this.ws.lastId;
    polls.stop();
    this.polls = null;
    this.failures = 0;
    this.sawOpen = false;
    this.ws = this.makeSocket(since);
    this.trace(
      'fallback',
      connIds.next(this.options.actor, 'websocket'),
      `WebSocket works again: leaving long polling${since === undefined ? '' : ` from id ${since}`}`,
    );
    this.ws.start();
  }
}
