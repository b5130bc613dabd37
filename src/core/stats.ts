import type { ByteCount, TraceEvent, TraceKind } from './trace';

/** The counters of the lab, all derived from the trace; none is stored on its own. */
export interface Stats {
  /** HTTP requests the browser sent (polls, publishes, stream opens, WebSocket upgrades). */
  requests: number;
  responses: number;
  /** Poll responses that carried no message. */
  empty: number;
  /** Poll responses whose emptiness is known (the denominator of the wasted share). */
  pollResponses: number;
  /** empty / pollResponses, 0 when there were none. */
  wastedShare: number;
  /** Distinct (receiver, message) pairs received. */
  delivered: number;
  /** The delivered messages' own JSON, in bytes: everything else on the wire is overhead. */
  messageBytes: number;
  /** Copies of a message a receiver had already received. */
  duplicates: number;
  bytesUp: ByteCount;
  bytesDown: ByteCount;
  /** Where the byte figures come from: the server's socket counts, or the browser's own view. */
  bytesObserver: 'server' | 'client';
  /**
   * The same bytes (same source), those of the receivers' connections only:
   * their requests up and everything that reached them down.
   */
  receiveBytes: Sides;
  /** The same bytes, those of the sender's connections only: its publishes and their answers. */
  sendBytes: Sides;
  /** Messages the sender published from this page (each id once). */
  published: number;
  latency: LatencyStats;
  openConnections: number;
  maxOpenConnections: number;
  /**
   * HTTP requests in flight now (polls, held polls, streams, publishes): what
   * the browser's six connections per host are spent on. WebSockets are not
   * counted; the browser does not count them against that limit either.
   */
  httpInUse: number;
  maxHttpInUse: number;
  reconnects: number;
  errors: number;
}

/**
 * Send-to-receipt times in ms: for messages sent from this page, on its one
 * clock; for messages the server made, from the server's publish step moved
 * onto the page's clock by the measured offset.
 */
export interface LatencyStats {
  count: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
  mean: number | null;
  /**
   * How many of the samples were timed across clocks (a message the server made,
   * timed from its publish moved onto the page's clock): those carry the clock
   * estimate's uncertainty.
   */
  acrossClocks: number;
}

/** Bytes of one side of the traffic, by direction. */
export interface Sides {
  up: ByteCount;
  down: ByteCount;
}

/** Whom a StatsAccumulator counts as the sender. */
export interface StatsOptions {
  /**
   * The participant who sends from the page (a segment's set-up says who);
   * null when nobody does (the server makes every message). Left out, every
   * participant that publishes is a sender.
   */
  sender?: string | null;
}

/** Kinds that open a connection (or an in-flight request), and kinds that end one. */
const OPENS: ReadonlySet<TraceKind> = new Set(['request', 'sse-open', 'ws-open']);
const CLOSES: ReadonlySet<TraceKind> = new Set(['response', 'close', 'error']);

/** Nearest-rank percentile of an ascending list: the smallest value with at least p % of values at or below it. */
export function percentile(sortedAscending: readonly number[], p: number): number | null {
  if (sortedAscending.length === 0) return null;
  if (p <= 0) return sortedAscending[0]!;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(rank, sortedAscending.length) - 1]!;
}

/** `acrossClocks`: how many of the values were timed across clocks (see LatencyStats). */
export function summariseLatencies(values: readonly number[], acrossClocks = 0): LatencyStats {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.length ? sorted[sorted.length - 1]! : null,
    mean: sorted.length ? sum / sorted.length : null,
    acrossClocks,
  };
}

/**
 * Folds trace events, one at a time, into the counters. Adding is O(1) (latency
 * percentiles sort on `snapshot`), so a live trace is counted as it grows instead
 * of re-read per frame.
 */
export class StatsAccumulator {
  private requests = 0;
  private responses = 0;
  private empty = 0;
  private pollResponses = 0;
  private duplicates = 0;
  private messageBytes = 0;
  private reconnects = 0;
  private errors = 0;
  private readonly received = new Set<string>();
  private readonly clientBytes = sides();
  private readonly serverBytes = sides();
  /** The same bytes per participant (a client step's actor, a server step's peer), by observer. */
  private readonly participantBytes = {
    client: new Map<string, Sides>(),
    server: new Map<string, Sides>(),
  };
  private sawServerBytes = false;
  /** Participants that published from the page, and the (participant, id) pairs they published. */
  private readonly publishers = new Map<string, number>();
  private readonly publishedIds = new Set<string>();
  private readonly sender: string | null | undefined;
  private readonly open = new Set<string>();
  private maxOpen = 0;
  private readonly openHttp = new Set<string>();
  private maxOpenHttp = 0;
  /** Message id → when it was sent, and whether that time is the server's (moved onto the page's clock). */
  private readonly sentAt = new Map<number, { t: number; acrossClocks: boolean }>();
  /** Receipts of messages whose publish has not been seen yet (the push can beat the 201). */
  private readonly waiting = new Map<number, number[]>();
  private readonly latencies: number[] = [];
  private acrossClocks = 0;

  constructor(options: StatsOptions = {}) {
    this.sender = options.sender;
  }

  add(event: TraceEvent): void {
    if (event.bytes) this.addBytes(event);
    // A message the server made itself (a played schedule, a ticker) has no sentAt: it
    // was sent when the server published it, a time the observer client has already
    // moved onto the page's clock.
    if (event.observer === 'server' && event.kind === 'publish' && !event.details?.sentAt)
      this.addPublish(event, true);
    if (event.observer !== 'client') return;
    switch (event.kind) {
      case 'request':
        this.requests++;
        break;
      case 'response':
        this.responses++;
        if (event.empty !== undefined) {
          this.pollResponses++;
          if (event.empty) this.empty++;
        }
        break;
      case 'reconnect':
        this.reconnects++;
        break;
      case 'error':
        this.errors++;
        break;
      case 'publish':
        this.addPublish(event, false);
        this.countPublished(event);
        break;
      case 'deliver':
        this.addDeliver(event);
        break;
      default:
        break;
    }
    if (OPENS.has(event.kind)) {
      this.open.add(event.conn);
      this.maxOpen = Math.max(this.maxOpen, this.open.size);
      if (event.technique !== 'websocket' && event.kind !== 'ws-open') {
        this.openHttp.add(event.conn);
        this.maxOpenHttp = Math.max(this.maxOpenHttp, this.openHttp.size);
      }
    } else if (CLOSES.has(event.kind)) {
      this.open.delete(event.conn);
      this.openHttp.delete(event.conn);
    }
  }

  snapshot(): Stats {
    const bytes = this.sawServerBytes ? this.serverBytes : this.clientBytes;
    const senders: ReadonlySet<string> =
      this.sender === undefined
        ? new Set(this.publishers.keys())
        : new Set(this.sender === null ? [] : [this.sender]);
    const receiveBytes = sides();
    const sendBytes = sides();
    const byParticipant = this.participantBytes[this.sawServerBytes ? 'server' : 'client'];
    for (const [participant, counted] of byParticipant) {
      const side = senders.has(participant) ? sendBytes : receiveBytes;
      addSides(side, counted);
    }
    let published = 0;
    for (const sender of senders) published += this.publishers.get(sender) ?? 0;
    return {
      requests: this.requests,
      responses: this.responses,
      empty: this.empty,
      pollResponses: this.pollResponses,
      wastedShare: this.pollResponses === 0 ? 0 : this.empty / this.pollResponses,
      delivered: this.received.size,
      messageBytes: this.messageBytes,
      duplicates: this.duplicates,
      bytesUp: { ...bytes.up },
      bytesDown: { ...bytes.down },
      bytesObserver: this.sawServerBytes ? 'server' : 'client',
      receiveBytes,
      sendBytes,
      published,
      latency: summariseLatencies(this.latencies, this.acrossClocks),
      openConnections: this.open.size,
      maxOpenConnections: this.maxOpen,
      httpInUse: this.openHttp.size,
      maxHttpInUse: this.maxOpenHttp,
      reconnects: this.reconnects,
      errors: this.errors,
    };
  }

  /** A latency is only as good as both times it comes from: one that is not a number is left out. */
  private addLatency(ms: number, acrossClocks: boolean): void {
    if (!Number.isFinite(ms)) return;
    this.latencies.push(ms);
    if (acrossClocks) this.acrossClocks++;
  }

  private addBytes(event: TraceEvent): void {
    if (event.dir === 'none' || !event.bytes) return;
    if (event.observer !== 'server' && event.observer !== 'client') return;
    if (event.observer === 'server') this.sawServerBytes = true;
    const target = event.observer === 'server' ? this.serverBytes : this.clientBytes;
    addBytesTo(event.dir === 'up' ? target.up : target.down, event.bytes);
    // Whose connection it was: the client's own actor, or the server's peer.
    const participant = event.observer === 'client' ? event.actor : event.peer;
    if (participant === undefined) return;
    const counts = this.participantBytes[event.observer];
    let mine = counts.get(participant);
    if (!mine) counts.set(participant, (mine = sides()));
    addBytesTo(event.dir === 'up' ? mine.up : mine.down, event.bytes);
  }

  /** `acrossClocks`: a message the server made, sent at its publish step (moved onto the page's clock). */
  private addPublish(event: TraceEvent, acrossClocks: boolean): void {
    const sentAt = { t: event.details?.sentAt ?? event.t, acrossClocks };
    for (const id of event.messageIds ?? []) {
      if (this.sentAt.has(id)) continue;
      this.sentAt.set(id, sentAt);
      for (const receivedAt of this.waiting.get(id) ?? [])
        this.addLatency(receivedAt - sentAt.t, acrossClocks);
      this.waiting.delete(id);
    }
  }

  /** A page participant's publish: it is a sender, and each id it published counts once. */
  private countPublished(event: TraceEvent): void {
    const count = this.publishers.get(event.actor) ?? 0;
    let added = 0;
    for (const id of event.messageIds ?? []) {
      const key = `${event.actor}\u0000${id}`;
      if (this.publishedIds.has(key)) continue;
      this.publishedIds.add(key);
      added++;
    }
    this.publishers.set(event.actor, count + added);
  }

  private addDeliver(event: TraceEvent): void {
    for (const id of event.messageIds ?? []) {
      const key = `${event.actor}\u0000${id}`;
      if (this.received.has(key) || event.details?.duplicate) {
        this.duplicates++;
        continue;
      }
      this.received.add(key);
      this.messageBytes += event.details?.messageBytes ?? 0;
      const sentAt = this.sentAt.get(id);
      if (sentAt !== undefined) this.addLatency(event.t - sentAt.t, sentAt.acrossClocks);
      else this.waiting.set(id, [...(this.waiting.get(id) ?? []), event.t]);
    }
  }
}

function zero(): ByteCount {
  return { header: 0, payload: 0 };
}

function sides(): Sides {
  return { up: zero(), down: zero() };
}

function addBytesTo(target: ByteCount, bytes: ByteCount): void {
  target.header += bytes.header;
  target.payload += bytes.payload;
}

function addSides(target: Sides, more: Sides): void {
  addBytesTo(target.up, more.up);
  addBytesTo(target.down, more.down);
}

/** Every byte of one side, both ways. */
export function sideTotal(side: Sides): number {
  return side.up.header + side.up.payload + side.down.header + side.down.payload;
}

export function computeStats(events: Iterable<TraceEvent>, options: StatsOptions = {}): Stats {
  const accumulator = new StatsAccumulator(options);
  for (const event of events) accumulator.add(event);
  return accumulator.snapshot();
}
