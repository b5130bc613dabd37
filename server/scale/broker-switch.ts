/**
 * The Scaling lab's broker faults, one semantics for both brokers: a
 * `BrokerSwitch` the topology controls, and around each gateway's broker a
 * `SwitchedBroker` that obeys it. The broker implementations stay untouched.
 *
 * - **Down** (`up: false`): the fan-out (pub/sub) is down, the history is not.
 *   A publish still gets its id and is kept in the history; live, it reaches only
 *   the gateway that took it. On up every subscription is told `onReconnect`, so
 *   `subscribeFrom` reads the history after its last id: each other gateway gets
 *   what it missed, in order, once. (A gateway that publishes while down and so
 *   sees a gap before its own id reads the history at once, as after any gap.)
 * - **Off** (`off: true`): no broker between gateways at all. A publish is tagged
 *   `off:` with its gateway at publish; a message so tagged reaches only that
 *   gateway, live or from the history, even after the broker is on again.
 *
 * The tag: a publish while down or off carries `<type>\u001fdown:<gateway>` (or
 * `off:`) in its `type`, so it crosses either broker unchanged; the wrapper strips
 * it from every message it hands on, so neither the Hub nor any client ever sees
 * it. A publish while all is well is not tagged: the broker carries it as it is.
 */
import type { HistoryLimits, HistorySlice, Message, PublishInput } from '../../src/core';
import { DEFAULT_MESSAGE_TYPE } from '../../src/core';
import type { Broker, BrokerListener, SubscribeOptions, Unsubscribe } from '../broker/broker';

const SEPARATOR = '\u001f';
const OFF = 'off';

/** What the switch says about a message's fan-out as a gateway hands it over. */
export type FanOut = 'all' | 'down' | 'off';

/** The broker's faults as the topology sets them, shared by every gateway's wrapper. */
export class BrokerSwitch {
  private upNow = true;
  private offNow = false;
  private readonly reconnects = new Set<() => void>();

  get up(): boolean {
    return this.upNow;
  }

  get off(): boolean {
    return this.offNow;
  }

  /** How a message handed over now fans out. */
  get fanOut(): FanOut {
    if (this.offNow) return 'off';
    return this.upNow ? 'all' : 'down';
  }

  setUp(up: boolean): void {
    this.change(() => (this.upNow = up));
  }

  setOff(off: boolean): void {
    this.change(() => (this.offNow = off));
  }

  /** Calls `onReconnect` whenever the fan-out comes back; returns the function that stops. */
  watch(onReconnect: () => void): () => void {
    this.reconnects.add(onReconnect);
    return () => {
      this.reconnects.delete(onReconnect);
    };
  }

  private change(apply: () => void): void {
    const before = this.fanOut;
    apply();
    if (before !== 'all' && this.fanOut === 'all')
      for (const reconnect of [...this.reconnects]) reconnect();
  }
}

interface Tag {
  readonly gateway: string;
  /** Published while off: never for another gateway. */
  readonly off: boolean;
}

/** What a publish's `type` gets appended while the fan-out is `fanOut` ('' while all is well). */
export function tagSuffix(fanOut: FanOut, gateway: string): string {
  return fanOut === 'all' ? '' : `${SEPARATOR}${fanOut}:${gateway}`;
}

/** The message as its gateway published it, and its tag (null: published while all was well). */
export function untag(message: Message): { message: Message; tag: Tag | null } {
  const at = message.type.indexOf(SEPARATOR);
  if (at < 0) return { message, tag: null };
  const [mode, ...name] = message.type.slice(at + 1).split(':');
  return {
    message: { ...message, type: message.type.slice(0, at) },
    tag: { gateway: name.join(':'), off: mode === OFF },
  };
}

/** `gateway`'s broker under `state`: messages tagged at publish, filtered and untagged on the way in. */
export class SwitchedBroker implements Broker {
  constructor(
    private readonly inner: Broker,
    private readonly gateway: string,
    private readonly state: BrokerSwitch,
  ) {}

  get kind(): Broker['kind'] {
    return this.inner.kind;
  }

  get limits(): HistoryLimits {
    return this.inner.limits;
  }

  async publish(channel: string, input: PublishInput): Promise<Message> {
    const suffix = tagSuffix(this.state.fanOut, this.gateway);
    const type = `${input.type ?? DEFAULT_MESSAGE_TYPE}${suffix}`;
    const message = await this.inner.publish(channel, suffix === '' ? input : { ...input, type });
    return untag(message).message;
  }

  async subscribe(
    channel: string,
    listener: BrokerListener,
    options: SubscribeOptions = {},
  ): Promise<Unsubscribe> {
    const onReconnect = options.onReconnect;
    const stopWatching =
      onReconnect === undefined ? () => undefined : this.state.watch(onReconnect);
    const unsubscribe = await this.inner
      .subscribe(
        channel,
        (raw) => {
          const { message, tag } = untag(raw);
          // Untagged: published while all was well (should the fan-out be down since, up recovers it).
          const all = this.state.fanOut === 'all';
          const mine = tag === null ? all : tag.gateway === this.gateway;
          if (mine || (tag !== null && !tag.off && all)) listener(message);
        },
        options,
      )
      .catch((error: unknown) => {
        stopWatching();
        throw error;
      });
    return async () => {
      stopWatching();
      await unsubscribe();
    };
  }

  async since(channel: string, sinceId: number): Promise<HistorySlice> {
    const slice = await this.inner.since(channel, sinceId);
    const messages: Message[] = [];
    for (const raw of slice.messages) {
      const { message, tag } = untag(raw);
      if (tag === null || !tag.off || tag.gateway === this.gateway) messages.push(message);
    }
    return { ...slice, messages };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
