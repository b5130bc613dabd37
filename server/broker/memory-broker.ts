/**
 * The embedded broker: one process, no dependency. A `MemoryBus` stands for the
 * broker itself (what a Redis server is to `RedisBroker`): one bounded
 * `ChannelHistory` per channel (src/core/history.ts, the Hub's limits) that gives
 * each message its id, and the live listeners of every instance. Each gateway holds
 * its own `MemoryBroker` on the shared bus, so closing one gateway's broker ends only
 * its own subscriptions.
 *
 * Broker down (`bus.setUp(false)`, for the later "broker down" fault):
 * - `publish` rejects with RL_ERR_BROKER_DOWN (503): the message gets no id and
 *   reaches nobody through the broker;
 * - `since` rejects with RL_ERR_BROKER_DOWN: the history cannot be read;
 * - `subscribe` still registers its listener and resolves (as a Redis client queues its
 *   SUBSCRIBE until it reconnects); nothing is delivered while down, since nothing is
 *   published. `setUp(true)` tells every subscriber `onReconnect`, as `RedisBroker`
 *   does when its connection is back.
 * History kept before the outage survives it.
 */
import {
  ChannelStore,
  DEFAULT_HISTORY_LIMITS,
  DEFAULT_STORE_LIMITS,
  type CountedHistory,
  type StoreLimits,
  assertChannelName,
  labError,
  type HistoryLimits,
  type HistorySlice,
  type Message,
  type PublishInput,
} from '../../src/core';
import { KeyedSets } from '../../src/core/keyed-sets';
import {
  assertSinceId,
  liveSubscription,
  type Broker,
  type BrokerListener,
  type LiveSubscription,
  type SubscribeOptions,
  type Unsubscribe,
} from './broker';

export class MemoryBus {
  private readonly store: ChannelStore;
  private readonly subscriptions = new KeyedSets<LiveSubscription>();
  private up = true;

  constructor(
    readonly limits: HistoryLimits = DEFAULT_HISTORY_LIMITS,
    private readonly now: () => number = Date.now,
    bounds: StoreLimits = DEFAULT_STORE_LIMITS,
  ) {
    // The same bounds as a Hub's: a flood of channels or bytes stops here too.
    this.store = new ChannelStore(limits, bounds, (name) => this.subscriptions.count(name) > 0);
  }

  /** Forgets idle channels with no message and no subscriber; returns their names. */
  sweep(): string[] {
    return this.store.sweep(this.now());
  }

  /** Channels held, and the bytes of history over all of them. */
  get held(): { channels: number; bytes: number } {
    return { channels: this.store.size, bytes: this.store.bytes };
  }

  get isUp(): boolean {
    return this.up;
  }

  /** Takes the broker down (`false`) or brings it back (`true`, telling every subscriber). */
  setUp(up: boolean): void {
    if (up === this.up) return;
    this.up = up;
    if (!up) return;
    for (const subscription of this.subscriptions.all()) subscription.onReconnect?.();
  }

  publish(channel: string, input: PublishInput): Message {
    const history = this.channel(channel);
    this.assertUp();
    const message = history.append(input, this.now());
    this.store.arrived(history, message);
    for (const subscription of this.subscriptions.items(channel)) subscription.listener(message);
    return message;
  }

  since(channel: string, sinceId: number): HistorySlice {
    const history = this.channel(channel);
    assertSinceId(sinceId);
    this.assertUp();
    return history.since(sinceId, this.now());
  }

  /** Adds a subscription; returns the function that removes it. */
  add(channel: string, subscription: LiveSubscription): () => void {
    return this.subscriptions.add(assertChannelName(channel), subscription);
  }

  subscriberCount(): number {
    return this.subscriptions.count();
  }

  private channel(name: string): CountedHistory {
    return this.store.open(assertChannelName(name), this.now()).history;
  }

  private assertUp(): void {
    if (!this.up) throw labError('BROKER_DOWN', 'the memory broker is paused (broker down)');
  }
}

export class MemoryBroker implements Broker {
  readonly kind = 'memory';
  private readonly removers = new Set<() => void>();
  private closed = false;

  /** A gateway's broker on `bus` (a bus of its own when none is given). */
  constructor(readonly bus: MemoryBus = new MemoryBus()) {}

  get limits(): HistoryLimits {
    return this.bus.limits;
  }

  publish(channel: string, input: PublishInput): Promise<Message> {
    return this.run(() => this.bus.publish(channel, input));
  }

  since(channel: string, sinceId: number): Promise<HistorySlice> {
    return this.run(() => this.bus.since(channel, sinceId));
  }

  subscribe(
    channel: string,
    listener: BrokerListener,
    options: SubscribeOptions = {},
  ): Promise<Unsubscribe> {
    return this.run(() => {
      const remove = this.bus.add(channel, liveSubscription(listener, options));
      this.removers.add(remove);
      return () => {
        remove();
        this.removers.delete(remove);
        return Promise.resolve();
      };
    });
  }

  close(): Promise<void> {
    this.closed = true;
    for (const remove of this.removers) remove();
    this.removers.clear();
    return Promise.resolve();
  }

  /** Runs a bus call as a promise: a throw (bad channel, broker down, closed) becomes a rejection. */
  private run<T>(call: () => T): Promise<T> {
    try {
      if (this.closed) throw labError('BROKER_DOWN', 'this broker instance is closed');
      return Promise.resolve(call());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
