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
 * the pub/sub message come on different connections). So the first deliver of
 * a message names its hand-over when exactly one in flight on its channel
 * carries the same sender, type and text: the publish step goes out then, just
 * before that deliver (and so before the gateway sends the message on). A
 * deliver no single hand-over matches waits, keeping its own time, until the
 * hand-overs on its channel are answered: the stream carries publish, then its
 * delivers.
 *
 * The bytes: the message's JSON, which is what the Redis broker's script stores
 * and publishes (`{"id":…` then the rest, in this order) and what the memory
 * broker would carry between processes.
 */
import {
  DEFAULT_MESSAGE_TYPE,
  traceClock,
  type HistoryLimits,
  type HistorySlice,
  type Message,
  type PublishInput,
  type TraceEventInput,
} from '../../src/core';
import type { Broker, BrokerListener, SubscribeOptions, Unsubscribe } from '../broker/broker';
import type { TraceSink } from '../observer-stream';
import type { FanOut } from './broker-switch';

/** The note of a deliver step whose message the gateway read from the broker's history. */
export const RECOVERED_NOTE = 'recovered from history';

/** The conn of a channel's broker steps. */
export function brokerConn(channel: string): string {
  return `broker:${channel}`;
}

/** What the broker carries for one message, in bytes. */
export function brokerBytes(message: Message): number {
  return Buffer.byteLength(JSON.stringify(message));
}

/** A message a gateway handed to the broker, the broker not having answered yet. */
interface Handover {
  readonly channel: string;
  readonly gateway: string;
  /** When it was handed over. */
  readonly t: number;
  readonly input: PublishInput;
  /** Said on its publish step (broker down: whom it reached). */
  readonly note: string | undefined;
  /** The id its publish step went out with, once it has. */
  id: number | null;
}

/** How many ids per channel are remembered as published (a late deliver of one goes straight out). */
const REMEMBERED_IDS = 256;

/** One topology's broker steps: shared by every gateway's wrapped broker. */
export class BrokerTrace {
  private readonly handovers = new Set<Handover>();
  /** Delivers waiting for their publish step, per channel. */
  private readonly waiting = new Map<string, TraceEventInput[]>();
  /** Ids whose publish step is out, per channel, the newest last. */
  private readonly published = new Map<string, number[]>();

  constructor(private readonly sink: TraceSink | undefined) {}

  /**
   * `broker` as `gateway` uses it, its publishes and deliveries recorded; `fanOut`
   * (broker-switch.ts) says whether the broker is down or off: off, nothing crosses a
   * broker, so nothing is recorded.
   */
  wrap(broker: Broker, gateway: string, fanOut: () => FanOut = () => 'all'): Broker {
    return new TracedBroker(broker, gateway, this, fanOut);
  }

  /** A gateway hands a message over. */
  handing(channel: string, gateway: string, input: PublishInput, note?: string): Handover {
    const handover: Handover = { channel, gateway, t: traceClock(), input, note, id: null };
    this.handovers.add(handover);
    return handover;
  }

  /** The broker answered a hand-over (`null`: it refused): its step if not out yet, then the delivers it held back. */
  answered(handover: Handover, message: Message | null): void {
    this.handovers.delete(handover);
    const { channel } = handover;
    const sink = this.sink;
    if (sink?.active !== true) {
      if (!this.inFlight(channel)) this.waiting.delete(channel);
      return;
    }
    if (message !== null && handover.id !== message.id) this.publishStep(sink, handover, message);
    const held = this.waiting.get(channel) ?? [];
    const busy = this.inFlight(channel);
    const out = held.filter((e) => !busy || this.isPublished(channel, e.messageIds?.[0]));
    const still = held.filter((e) => !out.includes(e));
    if (still.length > 0) this.waiting.set(channel, still);
    else this.waiting.delete(channel);
    for (const event of out) sink.forward(event);
  }

  /** The broker handed `message` to `gateway` (called before the gateway takes it). */
  delivered(gateway: string, message: Message, note?: string): void {
    const sink = this.sink;
    if (sink?.active !== true) return;
    const { channel } = message;
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
      ...(note === undefined ? {} : { details: { note } }),
    };
    if (!this.isPublished(channel, message.id)) {
      const origin = this.originOf(message);
      if (origin !== undefined) this.publishStep(sink, origin, message);
      else if (this.inFlight(channel)) {
        this.waiting.set(channel, [...(this.waiting.get(channel) ?? []), event]);
        return;
      }
    }
    sink.forward(event);
  }

  private publishStep(sink: TraceSink, handover: Handover, message: Message): void {
    handover.id = message.id;
    const ids = this.published.get(handover.channel) ?? [];
    ids.push(message.id);
    if (ids.length > REMEMBERED_IDS) ids.shift();
    this.published.set(handover.channel, ids);
    sink.forward({
      t: handover.t,
      observer: 'broker',
      actor: 'broker',
      peer: handover.gateway,
      technique: null,
      conn: brokerConn(handover.channel),
      kind: 'publish',
      dir: 'up',
      messageIds: [message.id],
      bytes: { header: 0, payload: brokerBytes(message) },
      details: {
        from: handover.gateway,
        ...(handover.note === undefined ? {} : { note: handover.note }),
      },
    });
  }

  /** The one unanswered hand-over this message can be, if exactly one. */
  private originOf(message: Message): Handover | undefined {
    const matches = [...this.handovers].filter(
      (h) =>
        h.id === null &&
        h.channel === message.channel &&
        h.input.from === message.from &&
        h.input.text === message.text &&
        (h.input.type ?? DEFAULT_MESSAGE_TYPE) === message.type,
    );
    return matches.length === 1 ? matches[0] : undefined;
  }

  private inFlight(channel: string): boolean {
    for (const handover of this.handovers) if (handover.channel === channel) return true;
    return false;
  }

  private isPublished(channel: string, id: number | undefined): boolean {
    return id !== undefined && (this.published.get(channel)?.includes(id) ?? false);
  }
}

/** How many ids per channel a gateway's broker remembers as handed to it. */
const REMEMBERED_DELIVERIES = 1024;

/** A gateway's broker, its traffic recorded; otherwise the broker itself. */
class TracedBroker implements Broker {
  /** The ids handed to this gateway per channel: one deliver per message, however many subscriptions or reads. */
  private readonly handed = new Map<string, Set<number>>();

  constructor(
    private readonly inner: Broker,
    private readonly gateway: string,
    private readonly trace: BrokerTrace,
    private readonly fanOut: () => FanOut,
  ) {}

  get kind(): Broker['kind'] {
    return this.inner.kind;
  }

  get limits(): HistoryLimits {
    return this.inner.limits;
  }

  async publish(channel: string, input: PublishInput): Promise<Message> {
    const fanOut = this.fanOut();
    if (fanOut === 'off') return this.inner.publish(channel, input);
    const note =
      fanOut === 'down'
        ? `broker down: reached only ${this.gateway}; the history keeps it for the others`
        : undefined;
    const handover = this.trace.handing(channel, this.gateway, input, note);
    let message: Message | null = null;
    try {
      message = await this.inner.publish(channel, input);
      return message;
    } finally {
      this.trace.answered(handover, message);
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
        if (this.fanOut() !== 'off') this.hand(message);
        listener(message);
      },
      options,
    );
  }

  /** A read of the history: each message not handed to this gateway before is one deliver, recovered. */
  async since(channel: string, sinceId: number): Promise<HistorySlice> {
    const slice = await this.inner.since(channel, sinceId);
    for (const message of slice.messages) this.hand(message, RECOVERED_NOTE);
    return slice;
  }

  /** Records the deliver of a message to this gateway, once per id. */
  private hand(message: Message, note?: string): void {
    const ids = this.handed.get(message.channel) ?? new Set<number>();
    this.handed.set(message.channel, ids);
    if (ids.has(message.id)) return;
    ids.add(message.id);
    if (ids.size > REMEMBERED_DELIVERIES) ids.delete(ids.values().next().value!);
    this.trace.delivered(this.gateway, message, note);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
