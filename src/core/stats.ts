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

export function summariseLatencies(values: readonly number[]): LatencyStats {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.length ? sorted[sorted.length - 1]! : null,
    mean: sorted.length ? sum / sorted.length : null,
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
  private readonly clientBytes = { up: zero(), down: zero() };
  private readonly serverBytes = { up: zero(), down: zero() };
  private sawServerBytes = false;
  private readonly open = new Set<string>();
  private maxOpen = 0;
  private readonly openHttp = new Set<string>();
  private maxOpenHttp = 0;
  /** Message id → when its sender pressed Send, for messages published from this page. */
  private readonly sentAt = new Map<number, number>();
  /** Receipts of messages whose publish has not been seen yet (the push can beat the 201). */
  private readonly waiting = new Map<number, number[]>();
  private readonly latencies: number[] = [];

  add(event: TraceEvent): void {
    if (event.bytes) this.addBytes(event);
    // A message the server made itself (a played schedule, a ticker) has no sentAt: it
    // was sent when the server published it, a time the observer client has already
    // moved onto the page's clock.
    if (event.observer === 'server' && event.kind === 'publish' && !event.details?.sentAt)
      this.addPublish(event);
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
        this.addPublish(event);
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
      latency: summariseLatencies(this.latencies),
      openConnections: this.open.size,
      maxOpenConnections: this.maxOpen,
      httpInUse: this.openHttp.size,
      maxHttpInUse: this.maxOpenHttp,
      reconnects: this.reconnects,
      errors: this.errors,
    };
  }

  /** A latency is only as good as both times it comes from: one that is not a number is left out. */
  private addLatency(ms: number): void {
    if (Number.isFinite(ms)) this.latencies.push(ms);
  }

  private addBytes(event: TraceEvent): void {
    if (event.dir === 'none' || !event.bytes) return;
    const target = event.observer === 'server' ? this.serverBytes : this.clientBytes;
    if (event.observer === 'server') this.sawServerBytes = true;
    else if (event.observer !== 'client') return;
    const side = event.dir === 'up' ? target.up : target.down;
    side.header += event.bytes.header;
    side.payload += event.bytes.payload;
  }

  private addPublish(event: TraceEvent): void {
    const sentAt = event.details?.sentAt ?? event.t;
    for (const id of event.messageIds ?? []) {
      if (this.sentAt.has(id)) continue;
      this.sentAt.set(id, sentAt);
      for (const receivedAt of this.waiting.get(id) ?? []) this.addLatency(receivedAt - sentAt);
      this.waiting.delete(id);
    }
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
      if (sentAt !== undefined) this.addLatency(event.t - sentAt);
      else this.waiting.set(id, [...(this.waiting.get(id) ?? []), event.t]);
    }
  }
}

function zero(): ByteCount {
  return { header: 0, payload: 0 };
}

export function computeStats(events: Iterable<TraceEvent>): Stats {
  const accumulator = new StatsAccumulator();
  for (const event of events) accumulator.add(event);
  return accumulator.snapshot();
}
