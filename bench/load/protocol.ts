/**
 * What the load lab's processes say to each other over their IPC channels: the bench
 * (parent) asks, a client process or a server process answers the request with its id.
 */
import type { LatencyCounts } from './measure';

/** What a client process can hold open. */
export type ConnectionKind = 'ws' | 'socket.io' | 'sse' | 'long-poll' | 'observer';

export interface OpenCommand {
  op: 'open';
  kind: ConnectionKind;
  /** ws:// or http:// URL; a long poll's may hold `{since}`, replaced by the last id it saw. */
  url: string;
  count: number;
  /** Loopback source addresses to spread over (round robin from `offset`). */
  addresses: string[];
  offset: number;
  /** Connection attempts in flight at once. */
  concurrency: number;
  /** Stop starting new ones after this long, ms. */
  timeoutMs: number;
}

export interface OpenResult {
  opened: number;
  failed: number;
  /** A few of the failures' messages, to print. */
  errors: string[];
  /** Connections of this process open now (all kinds). */
  open: number;
  /** Connections this process has seen end without being asked to, since it started. */
  dropped: number;
}

export interface CollectCommand {
  op: 'collect';
  /** The publishes' tag (`load:<tag>:<t0>` is the message text). */
  tag: string;
  /** Deliveries this process should see; it answers as soon as it has them, or after `waitMs`. */
  expected: number;
  waitMs: number;
}

export interface CollectResult {
  counts: LatencyCounts;
  received: number;
}

export interface AutocannonCommand {
  op: 'autocannon';
  url: string;
  connections: number;
  seconds: number;
}

export interface AutocannonResult {
  /** 2xx answers in all. */
  answered: number;
  requestsPerSecond: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
}

export interface CloseCommand {
  op: 'close';
  timeoutMs: number;
}

export interface CloseResult {
  closed: number;
  /** TCP sockets this process still has after closing everything (0 when all closed). */
  sockets: number;
  dropped: number;
}

export type ClientCommand = OpenCommand | CollectCommand | AutocannonCommand | CloseCommand;

export interface ClientResults {
  open: OpenResult;
  collect: CollectResult;
  autocannon: AutocannonResult;
  close: CloseResult;
}

/** A server process's memory after a forced GC, and its TCP sockets (listening ones apart). */
export interface MemoryReading {
  rss: number;
  heapUsed: number;
  external: number;
  /** Open TCP connections (not listeners): accepted clients, and the server's own sockets. */
  sockets: number;
}

/** What a server process's probe answers: a memory reading (after GC), or its TCP connections alone. */
export interface ProbeCommand {
  op: 'memory' | 'sockets' | 'cpu';
}

/** A server process's CPU time so far (process.cpuUsage()), µs. */
export interface CpuReading {
  user: number;
  system: number;
}

/** A request as sent: its command and the id its answer carries. */
export type Envelope<C> = C & { id: number };

/** An answer: the request's id, and its result or why it failed. */
export type Reply<R> =
  { id: number; ok: true; result: R } | { id: number; ok: false; error: string };

/** The message that tells the text of a timed publish: `load:<tag>:<t0 in ms on the machine clock>`. */
export function timedText(tag: string, t0: number): string {
  return `load:${tag}:${t0.toFixed(3)}`;
}

/** The tag and send time of a timed publish's text, or null for any other text. */
export function readTimedText(text: unknown): { tag: string; t0: number } | null {
  if (typeof text !== 'string' || !text.startsWith('load:')) return null;
  const at = text.lastIndexOf(':');
  const t0 = Number(text.slice(at + 1));
  if (at <= 5 || !Number.isFinite(t0)) return null;
  return { tag: text.slice(5, at), t0 };
}

/** The machine clock every process of the run reads: ms since the epoch, sub-ms resolution. */
export function machineNow(): number {
  return performance.timeOrigin + performance.now();
}
