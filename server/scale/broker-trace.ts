/**
 * The broker's steps (protocol.md, "Scaling lab"): each gateway's broker is
 * wrapped so that a message handed to the broker is one `publish` step (peer
 * the gateway that published, the bytes the broker carried for it), and every
 * gateway the broker hands it to is one `deliver` step (peer that gateway, the
 * origin included), all observer and actor `broker`, conn `broker:<channel>`.
 *
 * The publish step is timed when the gateway hands the message over, but its
 * id is only known once the broker answers — after the memory broker has
 * already called every listener, and in either order on Redis (the reply and
 * the pub/sub message come on different connections). So a deliver seen while
 * a publish on its channel is in flight waits (keeping its own time) until
 * that publish is out: the stream carries publish, then its delivers.
 *
 * The bytes: the message's JSON, which is what the Redis broker's script stores
 * and publishes (`{"id":…` then the rest, in this order) and what the memory
 * broker would carry between processes.
 */
import {
  traceClock,
  type HistoryLimits,
  type HistorySlice,
  type Message,
  type PublishInput,
  type TraceEventInput,
} from '../../src/core';
import type { Broker, BrokerListener, SubscribeOptions, Unsubscribe } from '../broker/broker';
import type { TraceSink } from '../observer-stream';

/** The conn of a channel's broker steps. */
export function brokerConn(channel: string): string {
  return `broker:${channel}`;
}

/** What the broker carries for one message, in bytes. */
export function brokerBytes(message: Message): number {
  return Buffer.byteLength(JSON.stringify(message));
}

/** One topology's broker steps: shared by every gateway's wrapped broker. */
export class BrokerTrace {
  /** Publishes handed over and not answered yet, per channel. */
  private readonly inFlight = new Map<string, number>();
  /** Delivers waiting for their publish to be out, per channel. */
  private readonly waiting = new Map<string, TraceEventInput[]>();

  constructor(private readonly sink: TraceSink | undefined) {}

  /** `broker` as `gateway` uses it, its publishes and deliveries recorded. */
  wrap(broker: Broker, gateway: string): Broker {
    return new TracedBroker(broker, gateway, this);
  }

  /** A gateway hands a message over: returns the time of the hand-over. */
  handing(channel: string): number {
    this.inFlight.set(channel, (this.inFlight.get(channel) ?? 0) + 1);
    return traceClock();
  }

  /** The broker answered a publish (`null`: it refused): the step, then the delivers it held back. */
  answered(channel: string, gateway: string, t: number, message: Message | null): void {
    const left = (this.inFlight.get(channel) ?? 1) - 1;
    if (left > 0) this.inFlight.set(channel, left);
    else this.inFlight.delete(channel);
    const sink = this.sink;
    if (sink?.active !== true) {
      this.waiting.delete(channel);
      return;
    }
    if (message !== null)
      sink.forward({
        t,
        observer: 'broker',
        actor: 'broker',
        peer: gateway,
        technique: null,
        conn: brokerConn(channel),
        kind: 'publish',
        dir: 'up',
        messageIds: [message.id],
        bytes: { header: 0, payload: brokerBytes(message) },
        details: { from: gateway },
      });
    const held = this.waiting.get(channel) ?? [];
    const out = left > 0 ? held.filter((e) => e.messageIds?.[0] === message?.id) : held;
    const still = held.filter((e) => !out.includes(e));
    if (still.length > 0) this.waiting.set(channel, still);
    else this.waiting.delete(channel);
    for (const event of out) sink.forward(event);
  }

  /** The broker handed `message` to `gateway`. */
  delivered(gateway: string, message: Message): void {
    const sink = this.sink;
    if (sink?.active !== true) return;
    const channel = message.channel;
    const event: TraceEventInput = {
      t: traceClock(),
      observer: 'broker',
      actor: 'broker',
      peer: gateway,
      technique: null,
      conn: brokerConn(channel),
      kind: 'deliver',
      dir: 'down',
      messageIds: [message.id],
      details: { from: message.from },
    };
    if ((this.inFlight.get(channel) ?? 0) > 0)
      this.waiting.set(channel, [...(this.waiting.get(channel) ?? []), event]);
    else sink.forward(event);
  }
}

/** A gateway's broker, its traffic recorded; otherwise the broker itself. */
class TracedBroker implements Broker {
  /** The last id handed to this gateway per channel: one deliver per message, however many subscriptions. */
  private readonly lastDelivered = new Map<string, number>();

  constructor(
    private readonly inner: Broker,
    private readonly gateway: string,
    private readonly trace: BrokerTrace,
  ) {}

  get kind(): Broker['kind'] {
    return this.inner.kind;
  }

  get limits(): HistoryLimits {
    return this.inner.limits;
  }

  async publish(channel: string, input: PublishInput): Promise<Message> {
    const t = this.trace.handing(channel);
    let message: Message | null = null;
    try {
      message = await this.inner.publish(channel, input);
      return message;
    } finally {
      this.trace.answered(channel, this.gateway, t, message);
    }
  }

  subscribe(
    channel: string,
    listener: BrokerListener,
    options?: SubscribeOptions,
  ): Promise<Unsubscribe> {
    return this.inner.subscribe(
      channel,
      (message) => {
        if (message.id > (this.lastDelivered.get(channel) ?? 0)) {
          this.lastDelivered.set(channel, message.id);
          this.trace.delivered(this.gateway, message);
        }
        listener(message);
      },
      options,
    );
  }

  since(channel: string, sinceId: number): Promise<HistorySlice> {
    return this.inner.since(channel, sinceId);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
