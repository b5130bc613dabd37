import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  chunkFramingBytes,
  encodeSseComment,
  encodeSseEvent,
  encodeSseRetry,
  ERROR_CODES,
  parseMessageId,
  resumeCursor,
  type Message,
} from '../src/core';
import {
  SLOW_CONSUMER_GRACE_MS,
  overQueueLimit,
  slowConsumerReason,
  type EndReason,
} from './connections';
import { HeldConnection, type HeldOwner } from './held-connection';
import { responseHeadBytes } from './http-trace';
import type { Lab } from './lab';
import type { TraceTarget } from './observer-stream';
import { ChannelParams, SseQuery } from './schemas';

/**
 * An SSE stream's life: open while it writes, closed once the client, a fault, shutdown or
 * its own slowness (a client that does not read) ends it.
 */
export type StreamState = 'open' | 'closed';

function isChunked(res: ServerResponse): boolean {
  // `chunkedEncoding` is set by Node once the head is stored; absent from @types/node.
  return (res as unknown as { chunkedEncoding?: boolean }).chunkedEncoding === true;
}

/**
 * One open event stream: replays what the client missed, then writes each live
 * message as an event, comment heartbeats in between, until it closes.
 */
class SseStream implements HeldOwner {
  state: StreamState = 'open';
  private lastSentId: number;
  /** Its hub listener, registry entry, heartbeat and delay; once silenced, nothing is written. */
  private readonly held: HeldConnection;
  private readonly heartbeatAs: 'comment' | 'event';

  constructor(
    private readonly lab: Lab,
    private readonly res: ServerResponse,
    channel: string,
    resumeFrom: number | undefined,
    retryMs: number,
    heartbeatMs: number,
    heartbeatAs: 'comment' | 'event',
    private readonly target: TraceTarget,
  ) {
    this.held = new HeldConnection(lab, 'sse', this);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    lab.observer.record(target, 'sse-open', 'down', () => ({
      bytes: { header: responseHeadBytes(res), payload: 0 },
      details: { status: 200, retryMs },
    }));
    this.write(encodeSseRetry(retryMs), 'sse-event', { retryMs });

    // Replay and subscribe in one tick: nothing can be published in between.
    const history = lab.hub.channel(channel);
    const cursor = resumeCursor(resumeFrom, history.lastId);
    this.lastSentId = cursor.from;
    // Ahead of the channel: say so (`event: ahead`), then replay all it keeps (protocol.md).
    if (cursor.ahead) {
      const data = JSON.stringify({ lastId: history.lastId });
      // Its id (0) resets the browser's own Last-Event-ID, so a reconnection before the replay's first event starts over.
      const id = String(cursor.from);
      this.write(encodeSseEvent({ id, event: 'ahead', data }), 'sse-event', {
        lastEventId: id,
        eventType: 'ahead',
      });
    }
    this.held.subscribe(channel);
    if (resumeFrom !== undefined) {
      for (const message of lab.hub.since(channel, resumeFrom).messages) this.deliver(message);
    }

    this.heartbeatAs = heartbeatAs;
    this.held.every(heartbeatMs, this);
    res.on('close', () => this.closed('client'));
  }

  /** A comment is invisible to a page's EventSource; an event lets the page notice silence. */
  beat(): void {
    const now = this.lab.now();
    const beat =
      this.heartbeatAs === 'event'
        ? encodeSseEvent({ event: 'heartbeat', data: String(now) })
        : encodeSseComment(`heartbeat ${now}`);
    this.write(beat, 'ping', {});
  }

  deliver(message: Message): void {
    if (message.id <= this.lastSentId) return;
    this.lastSentId = message.id;
    const text = encodeSseEvent({
      id: String(message.id),
      event: message.type,
      data: JSON.stringify(message),
    });
    this.write(text, 'sse-event', { lastEventId: String(message.id), eventType: message.type }, [
      message.id,
    ]);
  }

  private write(
    text: string,
    kind: 'sse-event' | 'ping',
    details: { retryMs?: number; lastEventId?: string; eventType?: string },
    messageIds?: number[],
  ): void {
    this.held.delayed('down', () => {
      // Half-open: the stream stays open and the server believes it writes, but nothing arrives.
      if (this.state !== 'open' || this.held.silenced) return;
      const queued = this.res.writableLength;
      const limit = this.lab.options.limits.maxQueuedBytes;
      if (overQueueLimit(queued, Buffer.byteLength(text), limit)) {
        this.cutSlowConsumer(queued, limit);
        return;
      }
      this.res.write(text);
      this.lab.observer.record(this.target, kind, 'down', () => {
        const payload = Buffer.byteLength(text);
        return {
          bytes: { header: isChunked(this.res) ? chunkFramingBytes(payload) : 0, payload },
          ...(messageIds ? { messageIds } : {}),
          details: { ...details, body: text },
        };
      });
    });
  }

  /**
   * A client that does not read what it is sent: the stream stops queueing for it at
   * once and ends (the end waits behind what is queued, so the socket is cut if the
   * end has not gone out within the grace). EventSource reconnects with Last-Event-ID.
   */
  private cutSlowConsumer(queued: number, limit: number): void {
    const reason = slowConsumerReason(queued, limit);
    this.lab.observer.record(this.target, 'error', 'none', {
      details: { error: reason, errorCode: ERROR_CODES.SLOW_CONSUMER },
    });
    this.closed({ slow: reason });
    // The connection goes with the stream (it is not kept alive for another request).
    const socket = this.res.socket;
    const cut = setTimeout(() => socket?.destroy(), SLOW_CONSUMER_GRACE_MS);
    cut.unref();
    socket?.once('close', () => clearTimeout(cut));
    this.res.end(() => socket?.destroy());
  }

  end(reason: EndReason): void {
    if (this.state !== 'open') return;
    if (reason === 'drop') {
      this.closed('drop');
      this.res.destroy();
    } else {
      this.closed('client');
      // End the chunked body, then the keep-alive socket, so the server's close does not wait on it.
      this.res.end(() => this.res.socket?.destroy());
    }
  }

  /** Undoes everything the stream set up; runs once. */
  private closed(how: 'client' | 'drop' | { slow: string }): void {
    if (this.state !== 'open') return;
    this.state = 'closed';
    this.held.release();
    const halfOpenMs = this.held.halfOpenMs();
    const note =
      how === 'client'
        ? 'stream closed'
        : how === 'drop'
          ? 'dropped by a fault'
          : `the server ended the stream (cut after ${SLOW_CONSUMER_GRACE_MS} ms if the end cannot go out)`;
    this.lab.observer.record(this.target, 'close', 'none', {
      details: {
        wasClean: how !== 'drop',
        ...(typeof how === 'object' ? { closeReason: how.slow } : {}),
        note: halfOpenMs === null ? note : `${note}, after ${halfOpenMs} ms half-open`,
      },
    });
  }
}

/** Server-Sent Events: `GET events` keeps a text/event-stream open (protocol.md). */
export const ssePlugin: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const lab = app.lab;

  app.get(
    '/events',
    { config: { technique: 'sse' }, schema: { params: ChannelParams, querystring: SseQuery } },
    async (request, reply) => {
      const header = request.headers['last-event-id'];
      // The header wins over the query (docs/protocol.md); a bad header is refused before the stream opens.
      const fromHeader = parseMessageId(
        typeof header === 'string' ? header.trim() : undefined,
        'Last-Event-ID header',
        'BAD_LAST_EVENT_ID',
      );
      const resumeFrom = fromHeader ?? request.query.lastEventId;
      const target = request.labTrace?.target ?? {
        technique: 'sse' as const,
        conn: lab.nextConnId(),
      };
      reply.hijack();
      new SseStream(
        lab,
        reply.raw,
        request.params.ch,
        resumeFrom,
        request.query.retry ?? lab.options.knobs.sseRetryMs,
        request.query.heartbeat ?? lab.options.knobs.sseHeartbeatMs,
        request.query.heartbeatAs ?? 'comment',
        target,
      );
    },
  );
};
