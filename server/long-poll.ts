import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { labError, type Message } from '../src/core';
import type { EndReason } from './connections';
import { HeldConnection, type HeldOwner } from './held-connection';
import { sendError } from './errors';
import type { Lab } from './lab';
import type { TraceTarget } from './observer-stream';
import { pollRouteOptions, traceAnswer } from './poll-route';
import { LongPollQuery } from './schemas';

/** A held poll's life: holding until a message, the timeout, the client leaving, or the lab ending it. */
export type WaiterState =
  'holding' | 'released' | 'timed-out' | 'aborted' | 'dropped' | 'shut-down';

/**
 * One held long poll. It listens on the hub while `holding`; whichever comes
 * first (a newer message, the timeout, the client closing, a drop or
 * shutdown) moves it to a final state and undoes everything it set up: the
 * timer, the hub listener, the registry entry and the close listener.
 */
export class LongPollWaiter implements HeldOwner {
  state: WaiterState = 'holding';
  private readonly startedAt: number;
  private readonly held: HeldConnection;
  private readonly timer: NodeJS.Timeout;
  private readonly onClose: () => void;

  constructor(
    private readonly lab: Lab,
    private readonly reply: FastifyReply,
    private readonly channel: string,
    private readonly since: number,
    timeoutMs: number,
    private readonly target: TraceTarget,
    private readonly onAnswer: (messages: Message[]) => void,
  ) {
    this.startedAt = lab.now();
    this.onClose = () => this.finish('aborted');
    this.held = new HeldConnection(lab, 'long-poll', this);
    this.held.subscribe(channel);
    this.timer = this.held.after(timeoutMs, () => this.finish('timed-out'));
    reply.raw.on('close', this.onClose);
    lab.observer.record(target, 'hold', 'none', { details: { timeoutMs } });
  }

  deliver(message: Message): void {
    if (message.id > this.since) this.finish('released');
  }

  end(reason: EndReason): void {
    this.finish(reason === 'drop' ? 'dropped' : 'shut-down');
  }

  /** Half-open: no message and no timeout will answer it; it waits for the client to give up. */
  silence(): void {
    clearTimeout(this.timer);
    this.held.unsubscribe();
  }

  private finish(next: Exclude<WaiterState, 'holding'>): void {
    if (this.state !== 'holding') return;
    this.state = next;
    this.held.release();
    this.reply.raw.off('close', this.onClose);
    const delayMs = this.lab.now() - this.startedAt;
    const observer = this.lab.observer;
    switch (next) {
      case 'released': {
        const slice = this.lab.hub.since(this.channel, this.since);
        observer.record(this.target, 'release', 'none', {
          messageIds: slice.messages.map((m) => m.id),
          details: { delayMs },
        });
        this.onAnswer(slice.messages);
        break;
      }
      case 'timed-out':
        observer.record(this.target, 'timeout', 'none', { details: { delayMs } });
        this.onAnswer([]);
        break;
      case 'aborted': {
        const halfOpenMs = this.held.halfOpenMs();
        observer.record(this.target, 'close', 'none', {
          details: {
            wasClean: false,
            delayMs,
            ...(halfOpenMs !== null
              ? { note: `the client gave up after ${halfOpenMs} ms half-open` }
              : {}),
          },
        });
        break;
      }
      case 'dropped':
        observer.record(this.target, 'close', 'none', {
          details: { wasClean: false, note: 'dropped by a fault' },
        });
        this.reply.raw.destroy();
        break;
      case 'shut-down':
        // Connection: close, so the server's close does not wait for this keep-alive socket.
        this.reply.header('connection', 'close');
        void sendError(this.reply, labError('UNAVAILABLE', 'the server is shutting down'));
        break;
    }
  }
}

/** Answers a poll with `messages` and the channel's last id now. */
function answerPoll(
  lab: Lab,
  request: FastifyRequest,
  reply: FastifyReply,
  channel: string,
  messages: Message[],
): void {
  traceAnswer(request, messages);
  void reply.code(200).send({ messages, lastId: lab.hub.channel(channel).lastId });
}

/**
 * Long polling: `GET long-poll?since&timeout` answers at once when something
 * newer exists, else holds the request until a publish or the timeout.
 */
export const longPollPlugin: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const lab = app.lab;

  app.get('/long-poll', pollRouteOptions('long-poll', LongPollQuery), async (request, reply) => {
    const channel = request.params.ch;
    const since = request.query.since ?? 0;
    const timeoutMs = request.query.timeout ?? lab.options.knobs.longPollTimeoutMs;
    const slice = lab.hub.since(channel, since);
    if (slice.ahead) {
      // Ahead of the channel (a restart, a forgotten channel): answered at once with all it keeps.
      traceAnswer(request, slice.messages);
      void reply.code(200).send({ messages: slice.messages, lastId: slice.lastId, ahead: true });
      return reply;
    }
    if (slice.messages.length > 0 || slice.lastId > since) {
      answerPoll(lab, request, reply, channel, slice.messages);
      return reply;
    }
    const target = request.labTrace?.target ?? {
      technique: 'long-poll' as const,
      conn: lab.nextConnId(),
    };
    new LongPollWaiter(lab, reply, channel, since, timeoutMs, target, (messages) =>
      answerPoll(lab, request, reply, channel, messages),
    );
    return reply;
  });
};
