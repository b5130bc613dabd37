import { DEFAULT_CHANNEL, type Message, type Technique } from '../core';
import { channelUrl } from './urls';
import { createTransport } from './factory';
import { ObserverClient, type ClockEstimate, type ObserverHello } from './observer';
import { SseTransport } from './sse';
import {
  DEFAULT_KNOBS,
  type Knobs,
  type TraceSink,
  type Transport,
  type TransportOptions,
  type TransportState,
} from './types';

/** Participant names, in the order they join: the first sends, the rest receive. */
export const DEFAULT_PARTICIPANTS: readonly string[] = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
];

/** How long start() waits for the observer stream before starting the participants anyway. */
export const OBSERVER_WAIT_MS = 1500;

export interface Participant {
  actor: string;
  role: 'sender' | 'receiver';
  /** `idle` until the session starts it. */
  state: TransportState;
}

export interface SessionOptions {
  technique: Technique;
  /** Default `lobby`. */
  channel?: string;
  /** Base URL of the API; '' (the default) for the page's own origin. */
  baseUrl?: string;
  knobs?: Knobs;
  /** The sender's name; default `alice`. null: nobody sends from the page (the server plays a schedule). */
  sender?: string | null;
  /** The receivers' names; default `['bob']`. */
  receivers?: readonly string[];
  /** The sink every trace step goes to (the page's trace store, a test's list): the caller's choice. */
  store: TraceSink;
  /** Also run the observer client (the server's own trace) into the same store. Default false. */
  observe?: boolean;
  /** The page's id, given to the observer stream (`?owner=`), so the server knows when the page is gone. */
  owner?: string;
  /**
   * Before the first start, ask the server for the channel's last id (one
   * unlabelled `GET messages?since=<max>`) so that this run shows only the
   * messages sent during it. Default true; when the server cannot be reached
   * the receivers start from the beginning of the channel's history.
   */
  syncLastId?: boolean;
  /** SSE: event types to listen for (see DEFAULT_SSE_EVENT_TYPES). */
  eventTypes?: readonly string[];
  reconnectDelayMs?: number;
  now?: () => number;
  /** Builds each participant's transport; tests pass fakes. Default createTransport. */
  createTransport?: (technique: Technique, options: TransportOptions) => Transport;
  /** A participant joined or left, or a state changed. */
  onChange?: () => void;
  /** A receiver got a message for the first time. */
  onMessage?: (receiver: string, message: Message) => void;
  onHello?: (hello: ObserverHello) => void;
  /** The estimate of the server's clock improved (see ObserverClient). */
  onClock?: (clock: ClockEstimate) => void;
}

/**
 * Where a session is in its life; each state holds only what is true in it:
 * - `stopped`: nothing runs; `synced` once the channel's last id was read;
 * - `syncing`: start() is reading the channel's last id;
 * - `awaiting-observer`: start() waits for the observer's hello (`helloSeen` ends the wait);
 * - `running`: every participant is started.
 * A start() that awaits checks, when it resumes, that the session is still in
 * the state it entered (a stop() in between moved it on).
 */
type SessionState =
  | { readonly phase: 'stopped'; readonly synced: boolean }
  | { readonly phase: 'syncing' }
  | {
      readonly phase: 'awaiting-observer';
      readonly synced: boolean;
      readonly helloSeen: () => void;
    }
  | { readonly phase: 'running'; readonly synced: boolean };

interface Member {
  role: 'sender' | 'receiver';
  transport: Transport | undefined;
}

/**
 * One run of the lab for one technique: a sender (Alice) and N receivers
 * (Bob, Carol, …), each with its own transport and its own connections (for
 * WebSocket the sender has its own socket). Everything they trace goes to the
 * sink the caller gives (`store`). Changing technique means a new Session.
 */
export class Session {
  readonly technique: Technique;
  readonly channel: string;
  private knobsValue: Knobs;
  private readonly members = new Map<string, Member>();
  private readonly senderName: string | null;
  private readonly store: TraceSink;
  private readonly build: (technique: Technique, options: TransportOptions) => Transport;
  private observer: ObserverClient | undefined;
  private state: SessionState = { phase: 'stopped', synced: false };
  /** The channel's last id when the run began (or the furthest any participant got). */
  private cursor: number | undefined;
  /** The start() under way, if any: a send waits for it (see send). */
  private starting: Promise<void> | null = null;

  constructor(private readonly options: SessionOptions) {
    this.technique = options.technique;
    this.channel = options.channel ?? DEFAULT_CHANNEL;
    this.knobsValue = { ...(options.knobs ?? DEFAULT_KNOBS) };
    this.store = options.store;
    this.build = options.createTransport ?? createTransport;
    this.senderName = options.sender === undefined ? DEFAULT_PARTICIPANTS[0]! : options.sender;
    if (this.senderName !== null)
      this.members.set(this.senderName, { role: 'sender', transport: undefined });
    for (const name of options.receivers ?? [DEFAULT_PARTICIPANTS[1]!]) {
      if (!this.members.has(name))
        this.members.set(name, { role: 'receiver', transport: undefined });
    }
  }

  get knobs(): Knobs {
    return { ...this.knobsValue };
  }

  get running(): boolean {
    return this.state.phase !== 'stopped';
  }

  get sender(): string | null {
    return this.senderName;
  }

  get receivers(): string[] {
    return [...this.members].filter(([, m]) => m.role === 'receiver').map(([name]) => name);
  }

  participants(): Participant[] {
    return [...this.members].map(([actor, m]) => ({
      actor,
      role: m.role,
      state: m.transport?.state ?? 'idle',
    }));
  }

  /** The transport of one participant (created on the first start). */
  transportOf(actor: string): Transport | undefined {
    return this.members.get(actor)?.transport;
  }

  /** Starts every participant (and the observer when asked). Idempotent. */
  start(): Promise<void> {
    const state = this.state;
    if (state.phase !== 'stopped') return this.starting ?? Promise.resolve();
    const starting = this.begin(state.synced).finally(() => {
      if (this.starting === starting) this.starting = null;
    });
    this.starting = starting;
    return starting;
  }

  private async begin(wasSynced: boolean): Promise<void> {
    let synced = wasSynced;
    if (!synced && this.options.syncLastId !== false) {
      const syncing = this.enter({ phase: 'syncing' });
      this.cursor = await this.fetchLastId();
      if (!this.isIn(syncing)) return;
      synced = true;
    }
    const observer = this.observerClient();
    if (observer && !observer.hello) {
      // Let the server's observer connect first, so that it sees (and counts the
      // bytes of) the run's very first request; give up waiting after a while.
      let helloSeen = (): void => undefined;
      const connected = new Promise<void>((resolve) => {
        helloSeen = resolve;
        setTimeout(resolve, OBSERVER_WAIT_MS);
      });
      const waiting = this.enter({ phase: 'awaiting-observer', synced, helloSeen });
      observer.start();
      await connected;
      if (!this.isIn(waiting)) return;
    } else {
      observer?.start();
    }
    this.enter({ phase: 'running', synced });
    for (const [actor, member] of this.members) {
      member.transport ??= this.create(actor, member.role);
      member.transport.start();
    }
    this.options.onChange?.();
  }

  /** Stops every participant and the observer; every timer and connection ends. Idempotent. */
  stop(): void {
    const state = this.state;
    if (state.phase === 'stopped') return;
    this.enter({ phase: 'stopped', synced: state.phase !== 'syncing' && state.synced });
    for (const member of this.members.values()) member.transport?.stop();
    this.observer?.stop();
    this.options.onChange?.();
  }

  /** The one transition: every change of state goes through here. */
  private enter<S extends SessionState>(next: S): S {
    this.state = next;
    return next;
  }

  /** Whether the session is still in the state an awaiting start() entered. */
  private isIn(state: SessionState): boolean {
    return this.state === state;
  }

  /** The observer client when the session observes (made on the first start). */
  private observerClient(): ObserverClient | undefined {
    if (this.options.observe && !this.observer) {
      const observerOptions: ConstructorParameters<typeof ObserverClient>[0] = {
        baseUrl: this.options.baseUrl ?? '',
        emit: (event) => this.store.append(event),
      };
      if (this.options.owner !== undefined) observerOptions.owner = this.options.owner;
      observerOptions.onHello = (hello) => {
        if (this.state.phase === 'awaiting-observer') this.state.helloSeen();
        this.options.onHello?.(hello);
      };
      if (this.options.now) observerOptions.now = this.options.now;
      if (this.options.onClock) observerOptions.onClock = this.options.onClock;
      this.observer = new ObserverClient(observerOptions);
    }
    return this.observer;
  }

  /** Publishes from the sender; resolves with the message id. */
  /**
   * Publishes from the sender. A send while start() is under way waits for it:
   * published earlier, the message could be counted in the last id the receivers
   * start after (the sync's answer), and no receiver would ever get it.
   */
  async send(text: string, type?: string): Promise<number> {
    if (this.senderName === null) {
      throw new Error('this session has no sender: the server plays its messages');
    }
    if (this.starting) await this.starting;
    const member = this.members.get(this.senderName)!;
    member.transport ??= this.create(this.senderName, 'sender');
    if (type !== undefined) {
      // EventSource only dispatches named events to listeners for that name.
      for (const m of this.members.values()) {
        if (m.transport instanceof SseTransport) m.transport.listenFor(type);
      }
    }
    return member.transport.send(text, type);
  }

  /** Adds a receiver (the next free default name when none is given); started at once if running. */
  addReceiver(name?: string): string {
    const actor = name ?? DEFAULT_PARTICIPANTS.find((n) => !this.members.has(n));
    if (actor === undefined) throw new Error('no free participant name: give one');
    if (!/^[a-z0-9-]{1,32}$/.test(actor)) {
      throw new Error(`participant name ${JSON.stringify(actor)} must be 1 to 32 of a-z, 0-9, "-"`);
    }
    if (this.members.has(actor)) throw new Error(`${actor} is already in the session`);
    const member: Member = { role: 'receiver', transport: undefined };
    this.members.set(actor, member);
    if (this.running) {
      member.transport = this.create(actor, 'receiver');
      member.transport.start();
    }
    this.options.onChange?.();
    return actor;
  }

  /** Removes a receiver, closing its connections. */
  removeReceiver(name: string): void {
    const member = this.members.get(name);
    if (!member || member.role !== 'receiver') return;
    member.transport?.stop();
    this.members.delete(name);
    this.options.onChange?.();
  }

  /** New knobs for every participant; SSE and WebSocket reopen their connection to apply them. */
  setKnobs(knobs: Knobs): void {
    this.knobsValue = { ...knobs };
    for (const [actor, member] of this.members) {
      const transport = member.transport;
      if (!transport) continue;
      if (transport.updateKnobs) {
        transport.updateKnobs(this.knobsValue);
        continue;
      }
      // A transport that cannot take new knobs is replaced, resuming where it was.
      const wasRunning = transport.state !== 'idle' && transport.state !== 'closed';
      transport.stop();
      member.transport = this.create(actor, member.role, transport.lastId);
      if (wasRunning) member.transport.start();
    }
  }

  /** The furthest point any participant reached, to start a newcomer there. */
  private resumePoint(): number | undefined {
    let point = this.cursor;
    for (const member of this.members.values()) {
      const id = member.transport?.lastId;
      if (id !== undefined && (point === undefined || id > point)) point = id;
    }
    return point;
  }

  private create(actor: string, role: Member['role'], since = this.resumePoint()): Transport {
    const options: TransportOptions = {
      actor,
      channel: this.channel,
      baseUrl: this.options.baseUrl ?? '',
      knobs: this.knobsValue,
      receive: role === 'receiver',
      emit: (event) => this.store.append(event),
      onState: () => this.options.onChange?.(),
    };
    if (since !== undefined) options.since = since;
    if (this.options.onMessage) {
      const onMessage = this.options.onMessage;
      options.onMessage = (message) => onMessage(actor, message);
    }
    if (this.options.now) options.now = this.options.now;
    if (this.options.eventTypes) options.eventTypes = this.options.eventTypes;
    if (this.options.reconnectDelayMs !== undefined) {
      options.reconnectDelayMs = this.options.reconnectDelayMs;
    }
    return this.build(this.technique, options);
  }

  /** The channel's last id, or undefined when the server cannot say. */
  private async fetchLastId(): Promise<number | undefined> {
    const url = channelUrl(this.options.baseUrl ?? '', this.channel, 'messages', {
      since: Number.MAX_SAFE_INTEGER,
    });
    try {
      const response = await fetch(url);
      if (!response.ok) return undefined;
      const body = (await response.json()) as { lastId?: unknown };
      return typeof body.lastId === 'number' ? body.lastId : undefined;
    } catch {
      return undefined;
    }
  }
}
