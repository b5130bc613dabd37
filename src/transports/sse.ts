import { DEFAULT_MESSAGE_TYPE, encodeSseEvent, utf8Bytes } from '../core';
import { BaseTransport } from './base';
import { parseMessageJson } from './message-parsers';
import { UNKNOWN_REQUEST_HEAD } from './resource-timing';
import { SILENCE_HEARTBEATS, watchSilence } from './silence';
import { CLIENT_ERROR_CODES, describeError } from './transport-error';
import type { Knobs, TransportOptions } from './types';

/**
 * The `event:` types an SSE receiver listens for unless told otherwise.
 *
 * Why a list: the server names each event after its message's type
 * (`event: <type>`), and EventSource dispatches a named event only to listeners
 * registered for that exact name (`onmessage` sees just `message`). There is no
 * "any event" listener, so the transport listens for a known set — the default
 * type and the ones the lab's presets use — and the session adds any other type
 * before it publishes one (`listenFor`).
 */
export const DEFAULT_SSE_EVENT_TYPES: readonly string[] = [
  DEFAULT_MESSAGE_TYPE,
  'chat',
  'tick',
  'quote',
  'notification',
  'progress',
  'status',
  'presence',
];

/**
 * Where the current stream is; each state holds only what is true in it:
 * - `detached`: no EventSource (not started, stopped, or between our own reconnects);
 * - `opening`: a new EventSource, not open yet;
 * - `open`: the stream is open;
 * - `browser-retrying`: an error happened and the browser reconnects by itself;
 *   its next open is traced as the browser's reconnect.
 */
type StreamState =
  | { readonly phase: 'detached' }
  | { readonly phase: 'opening' | 'open' | 'browser-retrying'; readonly source: EventSource };

/**
 * Server-Sent Events with the browser's own EventSource. The browser
 * reconnects by itself after an error while the stream may come back
 * (readyState CONNECTING), after the `retry:` the server announced, sending
 * `Last-Event-ID`; the trace shows that as `error`, `reconnect-wait`, then
 * `reconnect` and a new `sse-open`. When the browser gives up (readyState
 * CLOSED: an HTTP error status or a wrong content type), the transport
 * reconnects itself after `reconnectDelayMs`, with a new request id and
 * `lastEventId=` in the URL.
 *
 * States: `connecting`, `open`, `reconnect-wait`, `closed`; a sender that does
 * not receive opens no stream and is `open` (it publishes with POST).
 */
export class SseTransport extends BaseTransport {
  readonly technique = 'sse' as const;
  private stream: StreamState = { phase: 'detached' };
  private conn = '';
  private readonly types: Set<string>;
  private readonly onEvent = (event: Event): void => this.handleEvent(event as MessageEvent);
  private readonly onHeartbeat = (): void => {
    this.lastHeard = this.now();
  };
  /** `event: ahead`: our Last-Event-ID is above the channel's last id (protocol.md, "Resuming ahead"). */
  private readonly onAhead = (event: MessageEvent<string>): void => {
    this.lastHeard = this.now();
    let lastId: unknown;
    try {
      lastId = (JSON.parse(event.data) as { lastId?: unknown }).lastId;
    } catch {
      lastId = undefined;
    }
    if (typeof lastId === 'number') this.resumeAhead(this.conn, lastId);
  };
  /** When the stream last showed it was alive (opened, an event, a heartbeat). */
  private lastHeard = 0;
  private watchdog: ReturnType<typeof setInterval> | null = null;

  constructor(options: TransportOptions) {
    super(options);
    this.types = new Set([
      DEFAULT_MESSAGE_TYPE,
      ...(options.eventTypes ?? DEFAULT_SSE_EVENT_TYPES),
    ]);
  }

  /** The current EventSource, if any. */
  private get source(): EventSource | undefined {
    const stream = this.stream;
    return stream.phase === 'detached' ? undefined : stream.source;
  }

  /** The one transition: every change of the stream's state goes through here. */
  private enter(next: StreamState): void {
    this.stream = next;
  }

  /** The event types listened for. */
  get eventTypes(): string[] {
    return [...this.types];
  }

  /** Also listen for `event: <type>` (before a message of that type is published). */
  listenFor(type: string): void {
    if (this.types.has(type)) return;
    this.types.add(type);
    this.source?.addEventListener(type, this.onEvent);
  }

  protected open(): void {
    if (!this.options.receive) {
      this.setState('open');
      return;
    }
    this.connect(this.nextConn());
  }

  protected shut(): void {
    const source = this.detach();
    if (!source) return;
    source.close();
    this.step('close', this.conn, {
      details: { wasClean: true, note: 'closed by the client (EventSource.close())' },
    });
  }

  protected override knobsChanged(previous: Knobs): void {
    if (
      previous.sseRetryMs === this.knobs.sseRetryMs &&
      previous.sseHeartbeatMs === this.knobs.sseHeartbeatMs
    ) {
      return;
    }
    if (!this.source) return;
    // The knobs travel in the URL: reopen the stream (resuming after the last id).
    this.shut();
    this.connect(this.nextConn());
  }

  private connect(conn: string): void {
    this.conn = conn;
    const url = this.url('events', conn, {
      retry: this.knobs.sseRetryMs,
      heartbeat: this.knobs.sseHeartbeatMs,
      // Heartbeats as events, not comments: EventSource hides comments from the page.
      heartbeatAs: 'event',
      lastEventId: this.since,
    });
    const source = this.openLongLived(
      conn,
      url,
      { requestHeaders: { accept: 'text/event-stream' }, note: UNKNOWN_REQUEST_HEAD },
      () => new EventSource(url),
    );
    if (source === null) {
      this.retry();
      return;
    }
    this.enter({ phase: 'opening', source });
    source.onopen = () => this.handleOpen(source);
    source.onerror = () => this.handleError(source);
    for (const type of this.types) source.addEventListener(type, this.onEvent);
    source.addEventListener('heartbeat', this.onHeartbeat);
    source.addEventListener('ahead', this.onAhead);
  }

  /**
   * Notices a silent stream: open, but no event and no heartbeat for
   * SILENCE_HEARTBEATS heartbeat intervals. It is closed and opened again from the last id.
   */
  private watch(): void {
    this.unwatch();
    this.watchdog = watchSilence(this.timers, {
      heartbeatMs: this.knobs.sseHeartbeatMs,
      now: () => this.now(),
      lastHeard: () => this.lastHeard,
      isCurrent: () => this.source !== undefined,
      onSilent: (silentFor) => {
        this.watchdog = null;
        const source = this.detach();
        source?.close();
        this.step('error', this.conn, {
          details: {
            error: `silent for ${Math.round(silentFor)} ms (no event or heartbeat within ${SILENCE_HEARTBEATS} heartbeats): presumed dead, closed`,
            errorCode: CLIENT_ERROR_CODES.SILENT,
          },
        });
        this.step('close', this.conn, { details: { wasClean: false, note: 'closed as silent' } });
        this.retry();
      },
    });
  }

  private unwatch(): void {
    if (this.watchdog !== null) this.timers.clear(this.watchdog);
    this.watchdog = null;
  }

  private detach(): EventSource | undefined {
    const source = this.source;
    if (!source) return undefined;
    source.onopen = null;
    source.onerror = null;
    for (const type of this.types) source.removeEventListener(type, this.onEvent);
    source.removeEventListener('heartbeat', this.onHeartbeat);
    source.removeEventListener('ahead', this.onAhead);
    this.unwatch();
    this.enter({ phase: 'detached' });
    return source;
  }

  private handleOpen(source: EventSource): void {
    if (source !== this.source) return;
    if (this.stream.phase === 'browser-retrying') {
      this.step('reconnect', this.conn, {
        details: {
          note: 'the browser reconnected by itself and sent Last-Event-ID',
          lastEventId: this.since === undefined ? '' : String(this.since),
        },
      });
    }
    this.enter({ phase: 'open', source });
    this.step('sse-open', this.conn, {
      dir: 'down',
      bytes: { header: 0, payload: 0 },
      details: {
        status: 200,
        // The server sends this `retry:` first (the browser keeps it, unseen by the page).
        retryMs: this.knobs.sseRetryMs,
        note: 'EventSource does not expose the response head; the server observer has its bytes',
      },
    });
    this.setState('open');
    this.recovered();
    this.lastHeard = this.now();
    this.watch();
  }

  private handleError(source: EventSource): void {
    if (source !== this.source) return;
    const readyState = source.readyState;
    this.step('error', this.conn, {
      details: {
        error:
          readyState === EventSource.CLOSED
            ? 'the stream failed and the browser gave up (an HTTP error or not text/event-stream)'
            : 'the stream ended or could not connect; the browser will retry',
        errorCode: CLIENT_ERROR_CODES.NETWORK,
        note: `readyState ${readyState}`,
      },
    });
    if (readyState === EventSource.CLOSED) {
      this.detach();
      source.close();
      this.retry();
      return;
    }
    // Each failed attempt fires another error while the browser keeps retrying.
    this.enter({ phase: 'browser-retrying', source });
    this.setState('reconnect-wait');
    this.step('reconnect-wait', this.conn, {
      details: {
        delayMs: this.knobs.sseRetryMs,
        retryMs: this.knobs.sseRetryMs,
        note: 'the browser waits the retry: the server announced, then reconnects itself',
      },
    });
  }

  /** Our own reconnect (with backoff), for when the browser gave up; it resumes after the last id. */
  private retry(): void {
    this.reconnectLater(this.conn, this.generation, (next) => this.connect(next));
  }

  private handleEvent(event: MessageEvent): void {
    this.lastHeard = this.now();
    const data = typeof event.data === 'string' ? event.data : String(event.data);
    const wire = encodeSseEvent({ id: event.lastEventId, event: event.type, data });
    const details = {
      lastEventId: event.lastEventId,
      eventType: event.type,
      body: data,
      note: 'bytes are the event as the server framed it (id, event and data lines)',
    };
    const bytes = { header: 0, payload: utf8Bytes(wire) };
    let message;
    try {
      message = parseMessageJson(data);
    } catch (error) {
      this.step('sse-event', this.conn, { dir: 'down', bytes, details });
      this.step('error', this.conn, {
        details: { error: describeError(error), errorCode: CLIENT_ERROR_CODES.BAD_RESPONSE },
      });
      return;
    }
    this.step('sse-event', this.conn, {
      dir: 'down',
      bytes,
      messageIds: [message.id],
      details,
    });
    this.deliver(this.conn, message);
  }
}
