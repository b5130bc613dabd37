import {
  backoffCeiling,
  backoffDelay,
  utf8Bytes,
  type Message,
  type Technique,
  type TraceEventInput,
  type TraceKind,
} from '../core';
import { connIds, type ConnKind } from './conn-ids';
import { parsePollResponse } from './message-parsers';
import { traceClock } from '../core/clock';
import { UNKNOWN_REQUEST_HEAD, responseBytes } from './resource-timing';
import { SeenIds } from './seen-ids';
import { Timers } from './timers';
import { traceBody, traceHeaders } from './trace-body';
import { channelUrl, type QueryValue } from './urls';
import {
  CLIENT_ERROR_CODES,
  TransportError,
  describeError,
  isAbortError,
  parseErrorBody,
} from './transport-error';
import type { Knobs, Transport, TransportOptions, TransportState } from './types';

/** The fields of a trace event a transport fills in itself (the rest is the same for every step). */
export type StepFields = Partial<Omit<TraceEventInput, 'kind' | 'conn'>>;

/** What one traced HTTP exchange came back with; null when stop() aborted it. */
export interface HttpResult {
  status: number;
  text: string;
  /** Fields for the `response` step, which the caller completes (messageIds, empty) and emits. */
  response: StepFields;
}

/**
 * What every transport shares: the life-cycle state, trace steps stamped with
 * the page clock, de-duplicated delivery, cancellable timers and in-flight
 * requests, a generation number that makes callbacks of a stopped run inert,
 * and publishing over HTTP (`POST messages`), which the three HTTP techniques
 * use as is.
 */
export abstract class BaseTransport implements Transport {
  abstract readonly technique: Technique;
  protected readonly now: () => number;
  protected readonly timers = new Timers();
  protected readonly seen = new SeenIds();
  protected knobs: Knobs;
  /** Resume point: the greatest id received (or the one we were told to start after). */
  protected since: number | undefined;
  /** Bumped by start() and stop(): an async step that finds it changed does nothing more. */
  protected generation = 0;
  private current: TransportState = 'idle';
  /** Failures in a row since the last success: the backoff's attempt number. */
  private failures = 0;
  private readonly inflight = new Map<string, AbortController>();

  constructor(protected readonly options: TransportOptions) {
    this.now = options.now ?? traceClock;
    this.knobs = { ...options.knobs };
    this.since = options.since;
  }

  get state(): TransportState {
    return this.current;
  }

  get lastId(): number | undefined {
    return this.since;
  }

  protected get actor(): string {
    return this.options.actor;
  }

  /**
   * After a failure: waits (traced as `reconnect-wait` with its delay), then
   * traces `reconnect` on a new connection id and calls `reconnect` with it.
   * The wait is the knobs' exponential backoff with full jitter (or a fixed
   * `reconnectDelayMs` when the options give one); failures in a row double
   * the ceiling until `recovered()` resets it.
   */
  protected reconnectLater(
    fromConn: string,
    generation: number,
    reconnect: (conn: string) => void,
    what = 'reconnecting',
  ): void {
    if (generation !== this.generation || !this.running) return;
    const attempt = this.failures++;
    const policy = {
      baseMs: this.knobs.backoffBaseMs,
      capMs: this.knobs.backoffCapMs,
      jitter: this.knobs.backoffJitter,
    };
    const delayMs = Math.round(
      this.options.reconnectDelayMs ?? backoffDelay(attempt, policy, this.options.random),
    );
    const how =
      this.options.reconnectDelayMs !== undefined
        ? 'a fixed delay'
        : `attempt ${attempt + 1}: ${policy.jitter ? 'a random share of ' : ''}min(${policy.capMs}, ${policy.baseMs} × 2^${attempt}) = ${backoffCeiling(attempt, policy)} ms`;
    this.setState('reconnect-wait');
    this.step('reconnect-wait', fromConn, { details: { delayMs, note: how } });
    this.timers.set(() => {
      if (generation !== this.generation) return;
      const next = this.nextConn();
      this.step('reconnect', next, { details: { note: `${what} after ${delayMs} ms` } });
      reconnect(next);
    }, delayMs);
  }

  /** A connection worked again: the next failure starts the backoff from its base. */
  protected recovered(): void {
    this.failures = 0;
  }

  protected get running(): boolean {
    return this.current !== 'idle' && this.current !== 'closed';
  }

  start(): void {
    if (this.running) return;
    this.generation++;
    this.open();
  }

  stop(): void {
    if (!this.running) return;
    this.generation++;
    this.timers.clearAll();
    for (const [conn, controller] of this.inflight) {
      controller.abort();
      this.step('close', conn, { details: { wasClean: false, note: 'aborted by stop()' } });
    }
    this.inflight.clear();
    this.shut();
    this.setState('closed');
  }

  updateKnobs(knobs: Knobs): void {
    const previous = this.knobs;
    this.knobs = { ...knobs };
    if (this.running) this.knobsChanged(previous);
  }

  send(text: string, type?: string): Promise<number> {
    return this.publishHttp(text, type);
  }

  /**
   * Ends one request in flight on purpose (not a failure: no error, no
   * backoff): aborts it and traces its `close` with `note`. Its exchange then
   * resolves as stopped, so the loop that sent it ends there.
   */
  protected release(conn: string, note: string): boolean {
    const controller = this.inflight.get(conn);
    if (!controller) return false;
    this.inflight.delete(conn);
    controller.abort();
    this.step('close', conn, { details: { note } });
    return true;
  }

  /** Opens whatever the technique keeps open and starts its loop; state is `idle` or `closed`. */
  protected abstract open(): void;
  /** Closes streams/sockets (tracing their close); timers and fetches are already cancelled. */
  protected abstract shut(): void;
  /** Called on updateKnobs() while running. */
  protected knobsChanged(_previous: Knobs): void {}

  protected setState(next: TransportState): void {
    if (next === this.current) return;
    this.current = next;
    this.options.onState?.(next);
  }

  protected nextConn(kind: ConnKind = this.technique): string {
    return connIds.next(this.actor, kind);
  }

  protected step(kind: TraceKind, conn: string, fields: StepFields = {}): void {
    this.options.emit({
      t: this.now(),
      observer: 'client',
      actor: this.actor,
      technique: this.technique,
      conn,
      kind,
      dir: 'none',
      ...fields,
    });
  }

  /**
   * Opens a long-lived connection (an EventSource, a WebSocket): its request is
   * traced first — the browser does not show the head it sends — then the
   * object is built. A constructor that throws (a bad URL, a blocked port) is
   * traced as a network error and gives null.
   */
  protected openLongLived<T>(
    conn: string,
    url: string,
    head: { requestHeaders: Record<string, string>; note: string },
    create: () => T,
  ): T | null {
    this.step('request', conn, {
      dir: 'up',
      bytes: { header: 0, payload: 0 },
      details: { method: 'GET', url, ...head },
    });
    this.setState('connecting');
    try {
      return create();
    } catch (error) {
      this.step('error', conn, {
        details: { error: describeError(error), errorCode: CLIENT_ERROR_CODES.NETWORK },
      });
      return null;
    }
  }

  protected url(endpoint: string, conn: string, params: Record<string, QueryValue>): string {
    return channelUrl(this.options.baseUrl, this.options.channel, endpoint, {
      ...params,
      client: this.actor,
      rid: conn,
    });
  }

  /**
   * The server's last id is below our resume point: it forgot its history (a new
   * process, a forgotten channel). Says so on the trace, forgets the ids seen, and
   * starts over in the server's numbering: with `ahead` the server sends every
   * message it keeps (all published since its reset), so none of them is lost and
   * nothing is lost silently.
   */
  protected resumeAhead(conn: string, lastId: number): void {
    if (this.since === undefined || lastId >= this.since) return;
    this.step('error', conn, {
      details: {
        error: `the server's last id ${lastId} is below ours (${this.since}): its history was reset`,
        errorCode: CLIENT_ERROR_CODES.BAD_RESPONSE,
        note: 'starting over in the server numbering: every message it keeps follows',
      },
    });
    this.seen.clear();
    this.since = 0;
  }

  /** Remembers a received id as the resume point. */
  protected advance(id: number): void {
    if (this.since === undefined || id > this.since) this.since = id;
  }

  /**
   * One `deliver` step per received copy of a message; onMessage only the first
   * time (a copy already seen is marked `duplicate`). Receivers only.
   */
  protected deliver(conn: string, message: Message): void {
    this.advance(message.id);
    if (!this.options.receive) return;
    const first = this.seen.add(message.id);
    const details: NonNullable<TraceEventInput['details']> = {
      from: message.from,
      messageBytes: utf8Bytes(JSON.stringify(message)),
    };
    if (message.sentAt !== undefined) details.sentAt = message.sentAt;
    if (!first) details.duplicate = true;
    this.step('deliver', conn, { messageIds: [message.id], details });
    if (first) this.options.onMessage?.(message);
  }

  /**
   * One traced HTTP exchange: `request` now; the caller emits the `response`.
   * A network failure is traced as `error` and thrown as a TransportError; an
   * abort by stop() resolves to null (stop() traced the close).
   */
  protected async http(
    conn: string,
    url: string,
    init: { method: 'GET' | 'POST'; body?: string; headers?: Record<string, string> },
    extra: StepFields['details'] = {},
    answerWithinMs?: number,
  ): Promise<HttpResult | null> {
    const controller = new AbortController();
    this.inflight.set(conn, controller);
    // A request on a half-open connection never gets an answer nor an error: give up on it.
    let timedOut = false;
    const watchdog =
      answerWithinMs === undefined
        ? undefined
        : this.timers.set(() => {
            timedOut = true;
            controller.abort();
          }, answerWithinMs);
    const requestDetails: NonNullable<StepFields['details']> = {
      method: init.method,
      url,
      note: UNKNOWN_REQUEST_HEAD,
      ...extra,
    };
    if (init.headers) requestDetails.requestHeaders = traceHeaders(init.headers);
    if (init.body !== undefined) requestDetails.body = traceBody(init.body);
    this.step('request', conn, {
      dir: 'up',
      bytes: { header: 0, payload: init.body === undefined ? 0 : utf8Bytes(init.body) },
      details: requestDetails,
    });
    const fetchInit: RequestInit = { method: init.method, signal: controller.signal };
    if (init.body !== undefined) fetchInit.body = init.body;
    if (init.headers) fetchInit.headers = init.headers;
    try {
      const response = await fetch(url, fetchInit);
      const text = await response.text();
      if (watchdog !== undefined) this.timers.clear(watchdog);
      this.inflight.delete(conn);
      const { bytes, note } = responseBytes(url, utf8Bytes(text));
      const details: NonNullable<StepFields['details']> = {
        status: response.status,
        statusText: response.statusText,
        body: traceBody(text),
      };
      if (note !== undefined) details.note = note;
      return { status: response.status, text, response: { dir: 'down', bytes, details } };
    } catch (error) {
      if (watchdog !== undefined) this.timers.clear(watchdog);
      if (timedOut) {
        this.inflight.delete(conn);
        const message = `no answer within ${answerWithinMs} ms: presumed dead (half-open), abandoned`;
        this.step('error', conn, {
          details: { error: message, errorCode: CLIENT_ERROR_CODES.SILENT },
        });
        throw new TransportError(message, CLIENT_ERROR_CODES.SILENT);
      }
      if (controller.signal.aborted || isAbortError(error)) {
        if (this.inflight.delete(conn)) {
          this.step('close', conn, { details: { wasClean: false, note: 'aborted' } });
        }
        return null;
      }
      this.inflight.delete(conn);
      const message = `network error: ${describeError(error)}`;
      this.step('error', conn, {
        details: { error: message, errorCode: CLIENT_ERROR_CODES.NETWORK },
      });
      throw new TransportError(message, CLIENT_ERROR_CODES.NETWORK);
    }
  }

  /**
   * One poll (short or long): traces request and response, delivers each message,
   * advances the resume point. Resolves `messages` or `empty` (answered 200), `error`
   * (traced) or `stopped`.
   */
  protected async pollOnce(
    conn: string,
    url: string,
    extra: StepFields['details'] = {},
    answerWithinMs?: number,
  ): Promise<'messages' | 'empty' | 'error' | 'stopped'> {
    let result: HttpResult | null;
    try {
      result = await this.http(conn, url, { method: 'GET' }, extra, answerWithinMs);
    } catch {
      return 'error';
    }
    if (result === null) return 'stopped';
    const { status, text, response } = result;
    if (status !== 200) {
      const { error, code } = parseErrorBody(status, text);
      this.step('response', conn, {
        ...response,
        details: { ...response.details, error, errorCode: code },
      });
      return 'error';
    }
    let body;
    try {
      body = parsePollResponse(text);
    } catch (error) {
      this.step('response', conn, response);
      this.step('error', conn, {
        details: { error: describeError(error), errorCode: CLIENT_ERROR_CODES.BAD_RESPONSE },
      });
      return 'error';
    }
    const ids = body.messages.map((m) => m.id);
    this.step('response', conn, { ...response, messageIds: ids, empty: ids.length === 0 });
    // The server answers `ahead: true` then (protocol.md, "Resuming ahead").
    if (this.since !== undefined && body.lastId < this.since) this.resumeAhead(conn, body.lastId);
    for (const message of body.messages) this.deliver(conn, message);
    this.advance(body.lastId);
    return ids.length === 0 ? 'empty' : 'messages';
  }

  /** Publishes with `POST messages`; the `publish` step follows the 201. */
  protected async publishHttp(text: string, type?: string): Promise<number> {
    const sentAt = this.now();
    const conn = this.nextConn('publish');
    const payload: { from: string; text: string; type?: string; sentAt: number } = {
      from: this.actor,
      text,
      sentAt,
    };
    if (type !== undefined) payload.type = type;
    const result = await this.http(conn, this.url('messages', conn, {}), {
      method: 'POST',
      body: JSON.stringify(payload),
      headers: { 'content-type': 'application/json' },
    });
    if (result === null) {
      throw new TransportError('stopped before the server answered', CLIENT_ERROR_CODES.STOPPED);
    }
    const { status, text: answer, response } = result;
    if (status !== 201) {
      const { error, code } = parseErrorBody(status, answer);
      this.step('response', conn, {
        ...response,
        details: { ...response.details, error, errorCode: code },
      });
      throw new TransportError(error, code, status);
    }
    let id: unknown;
    try {
      id = (JSON.parse(answer) as { id?: unknown }).id;
    } catch {
      id = undefined;
    }
    if (typeof id !== 'number') {
      this.step('response', conn, response);
      const error = 'publish answer has no id';
      this.step('error', conn, {
        details: { error, errorCode: CLIENT_ERROR_CODES.BAD_RESPONSE },
      });
      throw new TransportError(error, CLIENT_ERROR_CODES.BAD_RESPONSE, status);
    }
    this.step('response', conn, { ...response, messageIds: [id] });
    this.step('publish', conn, { messageIds: [id], details: { sentAt, from: this.actor } });
    return id;
  }
}
