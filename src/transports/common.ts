import type { ByteCount, Message, PollResponse, Technique } from '../core';
import { isObject } from './is-object';
import { CLIENT_ERROR_CODES, TransportError } from './transport-error';

/**
 * Helpers shared by the four browser transports, the observer client and the
 * session: the page clock, connection ids, URLs with the wire labels
 * (docs/protocol.md), de-duplication by message id, timers that can all be
 * cancelled at once, and the few facts the browser can learn about bytes.
 */

/** The page's one clock: ms since the epoch with sub-ms precision. */
export function pageClock(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * A stream or socket with no sign of life (an event, a frame, a heartbeat) for
 * this many heartbeat intervals is presumed dead (half-open) and reopened.
 */
export const SILENCE_HEARTBEATS = 2.5;

/** Technique names as they appear in connection ids. */
export type ConnKind = Technique | 'publish' | 'observe';

/**
 * Makes connection/request ids `<actor>-<kind>-<n>`, n counting from 1 per
 * actor and kind. One generator is shared by the page so a restarted transport
 * never reuses an id (the server's trace keys on it).
 */
export class ConnIds {
  private readonly counters = new Map<string, number>();

  next(actor: string, kind: ConnKind): string {
    const key = `${actor}-${kind}`;
    const n = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, n);
    return `${key}-${n}`;
  }
}

export const connIds = new ConnIds();

export type QueryValue = string | number | undefined;

/**
 * `<base>/api/channels/<ch>/<endpoint>?<params>`; parameters whose value is
 * undefined are left out. With an empty base the URL is relative to the page.
 */
export function channelUrl(
  baseUrl: string,
  channel: string,
  endpoint: string,
  params: Record<string, QueryValue>,
): string {
  const base = baseUrl.replace(/\/+$/, '');
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) query.set(key, String(value));
  }
  const qs = query.toString();
  return `${base}/api/channels/${encodeURIComponent(channel)}/${endpoint}${qs ? `?${qs}` : ''}`;
}

/** The page's origin, or undefined outside a page (Node tests give a base URL). */
function pageHref(): string | undefined {
  return typeof location === 'undefined' ? undefined : location.href;
}

/** Resolves a possibly relative URL against the page (absolute URLs pass through). */
export function absoluteUrl(url: string, pageHrefValue: string | undefined = pageHref()): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  if (pageHrefValue === undefined) {
    throw new TypeError(`cannot resolve ${url} without a page: give the transport a baseUrl`);
  }
  return new URL(url, pageHrefValue).href;
}

/** The same URL with `http(s):` turned into `ws(s):`, resolved against the page when relative. */
export function toWebSocketUrl(
  url: string,
  pageHrefValue: string | undefined = pageHref(),
): string {
  const absolute = new URL(absoluteUrl(url, pageHrefValue));
  if (absolute.protocol === 'http:') absolute.protocol = 'ws:';
  else if (absolute.protocol === 'https:') absolute.protocol = 'wss:';
  return absolute.href;
}

/**
 * Remembers which message ids a receiver has had. Ids only grow, so once more
 * than `capacity` are kept the oldest are folded into a floor: every id at or
 * below it counts as seen.
 */
export class SeenIds {
  private readonly ids = new Set<number>();
  private floor = 0;
  private max = 0;

  constructor(private readonly capacity = 5000) {}

  /** Records the id; true when it was new. */
  add(id: number): boolean {
    if (this.has(id)) return false;
    this.ids.add(id);
    if (id > this.max) this.max = id;
    while (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value as number;
      this.ids.delete(oldest);
      if (oldest > this.floor) this.floor = oldest;
    }
    return true;
  }

  has(id: number): boolean {
    return id <= this.floor || this.ids.has(id);
  }

  /** The largest id seen, 0 before any. */
  get lastId(): number {
    return this.max;
  }

  clear(): void {
    this.ids.clear();
    this.floor = 0;
    this.max = 0;
  }
}

/** Timers that can all be cancelled at once (stop() cancels everything). */
export class Timers {
  private readonly handles = new Set<ReturnType<typeof setTimeout>>();

  set(callback: () => void, ms: number): ReturnType<typeof setTimeout> {
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      callback();
    }, ms);
    this.handles.add(handle);
    return handle;
  }

  /** A repeating timer (cleared like the others: clearTimeout also clears an interval). */
  every(callback: () => void, ms: number): ReturnType<typeof setTimeout> {
    const handle = setInterval(callback, ms);
    this.handles.add(handle);
    return handle;
  }

  clear(handle: ReturnType<typeof setTimeout>): void {
    clearTimeout(handle);
    this.handles.delete(handle);
  }

  clearAll(): void {
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
  }

  get size(): number {
    return this.handles.size;
  }
}

export const UNKNOWN_REQUEST_HEAD =
  'request header bytes are not visible to the browser; the server observer has the exact count';
export const UNKNOWN_RESPONSE_HEAD =
  'response header bytes unknown (no Resource Timing entry); the server observer has the exact count';

/**
 * Response header bytes of a finished fetch, from the Resource Timing API
 * (transferSize − encodedBodySize, same-origin only). `undefined` when the
 * browser does not say (no entry, cross-origin without Timing-Allow-Origin, a
 * cache hit, or Node). Keeps the browser's resource buffer from filling up: the
 * transports make a request every poll, and a full buffer records nothing more.
 */
export function responseHeaderBytes(url: string): number | undefined {
  if (typeof performance === 'undefined' || typeof performance.getEntriesByName !== 'function') {
    return undefined;
  }
  let name: string;
  try {
    name = absoluteUrl(url);
  } catch {
    return undefined;
  }
  const entries = performance.getEntriesByName(name, 'resource');
  const entry = entries[entries.length - 1] as PerformanceResourceTiming | undefined;
  let bytes: number | undefined;
  if (entry && entry.transferSize > 0 && entry.transferSize >= entry.encodedBodySize) {
    bytes = entry.transferSize - entry.encodedBodySize;
  }
  if (
    typeof performance.getEntriesByType === 'function' &&
    performance.getEntriesByType('resource').length > 200
  ) {
    performance.clearResourceTimings();
  }
  return bytes;
}

/** Bytes of a response as the browser can tell them, and a note when the head is unknown. */
export function responseBytes(url: string, payload: number): { bytes: ByteCount; note?: string } {
  const header = responseHeaderBytes(url);
  return header === undefined
    ? { bytes: { header: 0, payload }, note: UNKNOWN_RESPONSE_HEAD }
    : { bytes: { header, payload } };
}

/** Checks a message's shape (what the server sends in polls, SSE data and WebSocket frames). */
export function isMessage(value: unknown): value is Message {
  return (
    isObject(value) &&
    typeof value.id === 'number' &&
    typeof value.channel === 'string' &&
    typeof value.type === 'string' &&
    typeof value.from === 'string' &&
    typeof value.text === 'string' &&
    typeof value.publishedAt === 'number' &&
    (value.sentAt === undefined || typeof value.sentAt === 'number')
  );
}

/** Reads a poll answer `{ messages, lastId }`; throws a TransportError saying what is wrong. */
export function parsePollResponse(text: string): PollResponse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TransportError(
      `poll response is not JSON: ${JSON.stringify(text.slice(0, 80))}`,
      CLIENT_ERROR_CODES.BAD_RESPONSE,
    );
  }
  if (!isObject(value) || !Array.isArray(value.messages) || typeof value.lastId !== 'number') {
    throw new TransportError(
      'poll response must be {"messages": [...], "lastId": N}',
      CLIENT_ERROR_CODES.BAD_RESPONSE,
    );
  }
  const messages = value.messages as unknown[];
  if (!messages.every(isMessage)) {
    throw new TransportError(
      'poll response holds something that is not a message',
      CLIENT_ERROR_CODES.BAD_RESPONSE,
    );
  }
  return { messages, lastId: value.lastId };
}

/** Reads a message from SSE `data:` (the JSON of one message); throws a TransportError otherwise. */
export function parseMessageJson(text: string): Message {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TransportError('event data is not JSON', CLIENT_ERROR_CODES.BAD_RESPONSE);
  }
  if (!isMessage(value))
    throw new TransportError('event data is not a message', CLIENT_ERROR_CODES.BAD_RESPONSE);
  return value;
}

/** The largest body the trace keeps verbatim; longer bodies are cut with a marker. */
export const MAX_TRACE_BODY = 4096;

export function traceBody(text: string): string {
  return text.length <= MAX_TRACE_BODY ? text : `${text.slice(0, MAX_TRACE_BODY)}… (cut)`;
}
