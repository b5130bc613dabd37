/**
 * Short polling, publishing and long polling, simulated (the server's are server/short-poll.ts
 * and server/long-poll.ts): `GET messages?since=` answers at once, `POST messages` publishes,
 * `GET long-poll?since&timeout` is held until a newer message or its timeout.
 */
import { http, type HttpHandler } from 'msw';
import {
  DEFAULT_BODY_LIMIT,
  labError,
  utf8Bytes,
  type HistorySlice,
  type Message,
  type PublishInput,
} from '../../core';
import { LongPollQuery, PublishBody, SinceQuery } from '../../core/api-schemas';
import type { EndReason } from '../../core/connection-registry';
import type { SimLab } from '../sim-lab';
import type { TraceTarget } from '../../core/server-steps';
import {
  checkBody,
  checkChannel,
  checkQuery,
  exchange,
  gate,
  type SimAnswer,
  type SimExchange,
} from '../sim-http';

/** Content types the publish route takes: JSON only (protocol.md, "Publish"). */
const JSON_TYPE = /^application\/json\s*(;|$)/i;

/** A poll's answer: what is newer than `since`, the channel's last id, and `ahead` when since was above it. */
function pollAnswer(slice: HistorySlice): SimAnswer {
  const messages = slice.messages;
  return {
    status: 200,
    body: { messages, lastId: slice.lastId, ...(slice.ahead ? { ahead: true } : {}) },
    messageIds: messages.map((m) => m.id),
    empty: messages.length === 0,
  };
}

function publish(lab: SimLab, channel: string, ex: SimExchange): Promise<SimAnswer> | SimAnswer {
  const type = ex.wire.headers['content-type'];
  if (type === undefined || !JSON_TYPE.test(type)) {
    throw labError(
      'UNSUPPORTED_MEDIA_TYPE',
      `content type must be application/json, got ${JSON.stringify((type ?? '(none)').slice(0, 60))}`,
    );
  }
  if (utf8Bytes(ex.text ?? '') > DEFAULT_BODY_LIMIT) throw labError('BODY_TOO_LARGE');
  checkQuery(SinceQuery, ex.query);
  const body = checkBody(PublishBody, ex.text);
  const input: PublishInput = { from: body.from, text: body.text };
  if (body.type !== undefined) input.type = body.type;
  if (body.sentAt !== undefined) input.sentAt = body.sentAt;
  return lab.publish(channel, input, ex.target).then((message) => ({
    status: 201,
    body: { id: message.id, publishedAt: message.publishedAt },
    messageIds: [message.id],
  }));
}

/** A held poll's life (as the server's WaiterState). */
type WaiterState = 'holding' | 'released' | 'timed-out' | 'aborted' | 'dropped' | 'shut-down';

/**
 * One held long poll: it listens on the hub while `holding`; the first of a newer message,
 * the timeout, the page giving up, a drop or shutdown settles it, and undoes the rest.
 */
class SimLongPoll {
  private state: WaiterState = 'holding';
  private readonly startedAt: number;
  private silencedAt: number | null = null;
  private readonly untrack: () => void;
  private unsubscribe: () => void;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly lab: SimLab,
    private readonly channel: string,
    private readonly since: number,
    timeoutMs: number,
    private readonly target: TraceTarget,
    signal: AbortSignal,
    private readonly settle: (answer: SimAnswer) => void,
  ) {
    this.startedAt = lab.now();
    this.untrack = lab.connections.track(
      'long-poll',
      (reason: EndReason) => this.finish(reason === 'drop' ? 'dropped' : 'shut-down'),
      // Half-open: no message and no timeout will answer it; it waits for the page to give up.
      () => {
        this.silencedAt = lab.now();
        clearTimeout(this.timer);
        this.unsubscribe();
      },
    );
    this.unsubscribe = lab.hub.subscribe(channel, (message: Message) => {
      if (message.id > this.since) this.finish('released');
    });
    this.timer = setTimeout(() => this.finish('timed-out'), timeoutMs);
    signal.addEventListener('abort', () => this.finish('aborted'), { once: true });
    lab.observer.record(target, 'hold', 'none', { details: { timeoutMs } });
  }

  private finish(next: Exclude<WaiterState, 'holding'>): void {
    if (this.state !== 'holding') return;
    this.state = next;
    clearTimeout(this.timer);
    this.unsubscribe();
    this.untrack();
    const delayMs = this.lab.now() - this.startedAt;
    const observer = this.lab.observer;
    switch (next) {
      case 'released': {
        const slice = this.lab.hub.since(this.channel, this.since);
        observer.record(this.target, 'release', 'none', {
          messageIds: slice.messages.map((m) => m.id),
          details: { delayMs },
        });
        this.settle(pollAnswer(slice));
        break;
      }
      case 'timed-out':
        observer.record(this.target, 'timeout', 'none', { details: { delayMs } });
        this.settle(pollAnswer(this.lab.hub.since(this.channel, this.since)));
        break;
      case 'aborted': {
        const halfOpen =
          this.silencedAt === null
            ? {}
            : { note: `the client gave up after ${this.lab.now() - this.silencedAt} ms half-open` };
        observer.record(this.target, 'close', 'none', {
          details: { wasClean: false, delayMs, ...halfOpen },
        });
        this.settle({ networkError: true });
        break;
      }
      case 'dropped':
        observer.record(this.target, 'close', 'none', {
          details: { wasClean: false, note: 'dropped by a fault' },
        });
        this.settle({ networkError: true });
        break;
      case 'shut-down': {
        const error = labError('UNAVAILABLE', 'the server is shutting down');
        this.settle({ status: error.status, body: error.toBody() });
        break;
      }
    }
  }
}

function longPoll(lab: SimLab, channel: string, ex: SimExchange): Promise<SimAnswer> | SimAnswer {
  const query = checkQuery(LongPollQuery, ex.query);
  const since = query.since ?? 0;
  const slice = lab.hub.since(channel, since);
  // Something newer, or a since above the channel's last id ("ahead"): answered at once.
  if (slice.ahead || slice.messages.length > 0 || slice.lastId > since) return pollAnswer(slice);
  const timeoutMs = query.timeout ?? lab.knobs.longPollTimeoutMs;
  return new Promise((settle) => {
    new SimLongPoll(lab, channel, since, timeoutMs, ex.target, ex.signal, settle);
  });
}

/** The two poll routes and the publish route of the simulated server. */
export function pollHandlers(lab: SimLab): HttpHandler[] {
  return [
    http.get('*/api/channels/:ch/messages', ({ request, params }) =>
      exchange(lab, request, 'short-poll', (ex) => {
        gate(lab);
        const channel = checkChannel(params.ch);
        const query = checkQuery(SinceQuery, ex.query);
        return pollAnswer(lab.hub.since(channel, query.since ?? 0));
      }),
    ),
    http.post('*/api/channels/:ch/messages', ({ request, params }) =>
      exchange(lab, request, null, (ex) => {
        gate(lab);
        return publish(lab, checkChannel(params.ch), ex);
      }),
    ),
    http.get('*/api/channels/:ch/long-poll', ({ request, params }) =>
      exchange(lab, request, 'long-poll', (ex) => {
        gate(lab);
        return longPoll(lab, checkChannel(params.ch), ex);
      }),
    ),
  ];
}
