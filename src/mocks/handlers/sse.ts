/**
 * Server-Sent Events, simulated (the server's is server/sse.ts): `GET events` answers a
 * text/event-stream that starts with `retry:`, replays after `Last-Event-ID` (or
 * `?lastEventId=`), then writes each live message as `id:`/`event:`/`data:` with the
 * codec of src/core/sse.ts, and heartbeats in between. The page's own EventSource reads it
 * through msw's service worker, and reconnects by itself, with Last-Event-ID, as it would.
 */
import { http, type HttpHandler } from 'msw';
import {
  chunkFramingBytes,
  encodeSseComment,
  encodeSseEvent,
  encodeSseRetry,
  parseMessageId,
  resumeCursor,
  utf8Bytes,
  type Message,
  type TraceDetails,
} from '../../core';
import { SseQuery } from '../../core/api-schemas';
import type { EndReason } from '../../core/connection-registry';
import { OrderedDelay } from '../../core/ordered-delay';
import type { SimLab } from '../sim-lab';
import type { TraceTarget } from '../../core/server-steps';
import { arrive, checkChannel, checkQuery, depart, gate, pause, refused } from '../sim-http';
import { SSE_HEADERS, responseHeadBytes } from '../wire';

const encoder = new TextEncoder();

/** What the stream was asked for. */
interface StreamSetup {
  channel: string;
  resumeFrom: number | undefined;
  retryMs: number;
  heartbeatMs: number;
  heartbeatAs: 'comment' | 'event';
}

/**
 * One open simulated event stream. It lives until the page closes it (the stream is
 * cancelled), a fault drops it (the stream errors: the page's EventSource reconnects) or
 * the simulation ends; silenced (half-open), it writes nothing more and waits to be noticed.
 */
class SimSseStream {
  private state: 'open' | 'closed' = 'open';
  private lastSentId = 0;
  private silencedAt: number | null = null;
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  private readonly delay: OrderedDelay;
  private readonly untrack: () => void;
  private readonly undo: (() => void)[] = [];
  readonly body: ReadableStream<Uint8Array>;

  constructor(
    private readonly lab: SimLab,
    private readonly setup: StreamSetup,
    private readonly target: TraceTarget,
  ) {
    this.delay = new OrderedDelay(() => lab.faults.latencyMs.down);
    this.untrack = lab.connections.track(
      'sse',
      (reason) => this.end(reason),
      () => {
        this.silencedAt = lab.now();
      },
    );
    this.body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.controller = controller;
        this.open();
      },
      cancel: () => this.closed('client'),
    });
  }

  private open(): void {
    const { lab, setup } = this;
    lab.observer.record(this.target, 'sse-open', 'down', {
      bytes: { header: responseHeadBytes(200, SSE_HEADERS), payload: 0 },
      details: { status: 200, retryMs: setup.retryMs },
    });
    this.write(encodeSseRetry(setup.retryMs), 'sse-event', { retryMs: setup.retryMs });
    // Replay and subscribe in one tick: nothing can be published in between.
    const history = lab.hub.channel(setup.channel);
    const cursor = resumeCursor(setup.resumeFrom, history.lastId);
    this.lastSentId = cursor.from;
    if (cursor.ahead) {
      const id = String(cursor.from);
      const data = JSON.stringify({ lastId: history.lastId });
      this.write(encodeSseEvent({ id, event: 'ahead', data }), 'sse-event', {
        lastEventId: id,
        eventType: 'ahead',
      });
    }
    this.undo.push(lab.hub.subscribe(setup.channel, (message) => this.send(message)));
    if (setup.resumeFrom !== undefined) {
      for (const message of lab.hub.since(setup.channel, setup.resumeFrom).messages) {
        this.send(message);
      }
    }
    const beat = setInterval(() => {
      const text =
        setup.heartbeatAs === 'event'
          ? encodeSseEvent({ event: 'heartbeat', data: String(lab.now()) })
          : encodeSseComment(`heartbeat ${lab.now()}`);
      this.write(text, 'ping', {});
    }, setup.heartbeatMs);
    this.undo.push(() => clearInterval(beat));
  }

  private send(message: Message): void {
    if (message.id <= this.lastSentId) return;
    this.lastSentId = message.id;
    const id = String(message.id);
    const text = encodeSseEvent({ id, event: message.type, data: JSON.stringify(message) });
    this.write(text, 'sse-event', { lastEventId: id, eventType: message.type }, [message.id]);
  }

  private write(
    text: string,
    kind: 'sse-event' | 'ping',
    details: TraceDetails,
    messageIds?: number[],
  ): void {
    this.delay.run(() => {
      // Half-open: the stream stays open and the server believes it writes, but nothing arrives.
      if (this.state !== 'open' || this.silencedAt !== null) return;
      this.controller?.enqueue(encoder.encode(text));
      const payload = utf8Bytes(text);
      this.lab.observer.record(this.target, kind, 'down', {
        bytes: { header: chunkFramingBytes(payload), payload },
        ...(messageIds ? { messageIds } : {}),
        details: { ...details, body: text },
      });
    });
  }

  private end(reason: EndReason): void {
    if (this.state !== 'open') return;
    const controller = this.controller;
    if (reason === 'drop') {
      this.closed('drop');
      controller?.error(new TypeError('the connection was dropped'));
    } else {
      this.closed('client');
      controller?.close();
    }
  }

  /** Undoes everything the stream set up and traces its close; runs once. */
  private closed(how: 'client' | 'drop'): void {
    if (this.state !== 'open') return;
    this.state = 'closed';
    for (const undo of this.undo.splice(0)) undo();
    this.delay.cancel();
    this.untrack();
    const note = how === 'client' ? 'stream closed' : 'dropped by a fault';
    const halfOpen =
      this.silencedAt === null ? '' : `, after ${this.lab.now() - this.silencedAt} ms half-open`;
    this.lab.observer.record(this.target, 'close', 'none', {
      details: { wasClean: how !== 'drop', note: `${note}${halfOpen}` },
    });
  }
}

/** Where a stream resumes: the Last-Event-ID header wins over `?lastEventId=` (protocol.md). */
function resumeFrom(request: Request, query: { lastEventId?: number }): number | undefined {
  const header = request.headers.get('last-event-id');
  const fromHeader = parseMessageId(
    header === null ? undefined : header.trim(),
    'Last-Event-ID header',
    'BAD_LAST_EVENT_ID',
  );
  return fromHeader ?? query.lastEventId;
}

/** `GET events` of the simulated server. */
export function sseHandlers(lab: SimLab): HttpHandler[] {
  return [
    http.get('*/api/channels/:ch/events', async ({ request, params }) => {
      const arrived = await arrive(lab, request, 'sse');
      await pause(lab.faults.latencyMs.up);
      let setup: StreamSetup;
      try {
        gate(lab);
        const channel = checkChannel(params.ch);
        const query = checkQuery(SseQuery, arrived.query);
        setup = {
          channel,
          resumeFrom: resumeFrom(request, query),
          retryMs: query.retry ?? lab.knobs.sseRetryMs,
          heartbeatMs: query.heartbeat ?? lab.knobs.sseHeartbeatMs,
          heartbeatAs: query.heartbeatAs ?? 'comment',
        };
        lab.hub.channel(channel);
      } catch (error) {
        return depart(lab, arrived, refused(error));
      }
      const stream = new SimSseStream(lab, setup, arrived.target);
      const { 'Transfer-Encoding': _chunked, ...headers } = SSE_HEADERS;
      return new Response(stream.body, { status: 200, headers });
    }),
  ];
}
