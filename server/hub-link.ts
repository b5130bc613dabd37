/**
 * The gateway's Hub kept as a replica of the broker. Every channel the Hub names
 * is subscribed on the broker with `subscribeFrom` from the Hub's last id (so a
 * gateway that was away catches up from the broker's history, no gap and no
 * duplicate), and what arrives is `accept`ed into the Hub with the broker's id.
 * A publish goes to the broker, which gives the id, and is answered once this
 * gateway's own Hub holds that id — it arrives here as it arrives on every other
 * gateway, through the subscription.
 */
import type { Message, PublishInput } from '../src/core';
import { subscribeFrom, type Broker, type Unsubscribe } from './broker/broker';
import type { Hub } from '../src/core/hub';

/**
 * How long a publish waits for its own message to come back through the
 * subscription before the link reads the broker's history itself.
 */
export const OWN_MESSAGE_WAIT_MS = 2_000;

/**
 * How long a request naming a channel waits for this gateway to catch up on it from
 * the broker before it is served from what the Hub holds.
 */
export const CATCH_UP_WAIT_MS = 2_000;

interface Waiter {
  id: number;
  resolve: () => void;
}

export class HubLink {
  /** Each followed channel's subscription, resolved once it is live. */
  private readonly subscriptions = new Map<string, Promise<Unsubscribe>>();
  private readonly waiters = new Map<string, Waiter[]>();
  /** Channels whose subscription is live and whose first catch-up is done. */
  private readonly caughtUp = new Set<string>();
  private readonly stopWatching: () => void;
  private readonly stopForgetting: () => void;
  private closed = false;

  constructor(
    private readonly hub: Hub,
    private readonly broker: Broker,
  ) {
    this.stopWatching = hub.watchChannels((channel) => this.follow(channel));
    this.stopForgetting = hub.watchForgotten((channel) => this.unfollow(channel));
  }

  /**
   * Publishes through the broker; resolves with the broker's message once this
   * Hub holds its id. Rejects RL_ERR_BAD_CHANNEL for a bad name and whatever the
   * broker rejects with (RL_ERR_BROKER_DOWN while it is down).
   */
  async publish(channel: string, input: PublishInput): Promise<Message> {
    this.hub.channel(channel);
    await this.followed(channel);
    const message = await this.broker.publish(channel, input);
    await this.held(channel, message.id);
    return message;
  }

  /**
   * Resolves once the channel is followed and caught up from the broker's history
   * (at most CATCH_UP_WAIT_MS; never rejects), so that a reader's `since` is
   * compared with the broker's last id, not with a replica that has not caught up
   * (a `since` above it would otherwise look ahead: protocol.md, "Resuming ahead").
   */
  ready(channel: string): Promise<void> {
    this.hub.channel(channel);
    if (this.closed || this.caughtUp.has(channel)) return Promise.resolve();
    const subscription = this.followed(channel);
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, CATCH_UP_WAIT_MS);
      timer.unref();
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      subscription.then(done, done);
    });
  }

  /**
   * Names the channel (throwing as `ready` rejects) and says whether `ready` would resolve
   * at once: the channel is followed and caught up, or the link is closed.
   */
  isReady(channel: string): boolean {
    this.hub.channel(channel);
    return this.closed || this.caughtUp.has(channel);
  }

  /** Ends every subscription and lets every waiting publish answer. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopWatching();
    this.stopForgetting();
    for (const waiters of [...this.waiters.values()])
      for (const waiter of waiters) waiter.resolve();
    const pending = [...this.subscriptions.values()];
    this.subscriptions.clear();
    await Promise.all(
      pending.map((subscription) =>
        subscription.then(
          (unsubscribe) => unsubscribe(),
          () => undefined,
        ),
      ),
    );
  }

  /** The channel's subscription, started again if an earlier attempt failed. */
  private followed(channel: string): Promise<Unsubscribe> {
    return this.subscriptions.get(channel) ?? this.follow(channel);
  }

  private follow(channel: string): Promise<Unsubscribe> {
    const subscription = subscribeFrom(
      this.broker,
      channel,
      this.hub.channel(channel).lastId,
      (message) => this.receive(message),
      // A failed history read: live delivery goes on, the next gap or reconnection catches up.
      { onError: () => undefined },
    );
    this.subscriptions.set(channel, subscription);
    subscription.then(
      () => {
        if (this.subscriptions.get(channel) === subscription) this.caughtUp.add(channel);
      },
      () => {
        if (this.subscriptions.get(channel) === subscription) this.subscriptions.delete(channel);
      },
    );
    return subscription;
  }

  /** A channel the Hub forgot: its broker subscription ends (a later naming follows it again). */
  private unfollow(channel: string): void {
    const subscription = this.subscriptions.get(channel);
    if (!subscription) return;
    this.subscriptions.delete(channel);
    this.caughtUp.delete(channel);
    void subscription.then(
      (unsubscribe) => unsubscribe(),
      () => undefined,
    );
  }

  private receive(message: Message): void {
    this.hub.accept(message);
    this.wake(message.channel);
  }

  /** Resolves the waiters whose id the channel now holds. */
  private wake(channel: string): void {
    const waiters = this.waiters.get(channel);
    if (!waiters) return;
    const lastId = this.hub.channel(channel).lastId;
    for (const waiter of waiters) if (waiter.id <= lastId) waiter.resolve();
  }

  /**
   * Resolves once the Hub holds `id`. Should the subscription not bring it in
   * time, the link reads the broker's history after the Hub's last id itself.
   */
  private held(channel: string, id: number): Promise<void> {
    if (this.closed || this.hub.channel(channel).lastId >= id) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = {
        id,
        resolve: () => {
          clearTimeout(timer);
          this.drop(channel, waiter);
          resolve();
        },
      };
      const timer = setTimeout(
        () => void this.catchUp(channel).finally(waiter.resolve),
        OWN_MESSAGE_WAIT_MS,
      );
      this.waiters.set(channel, [...(this.waiters.get(channel) ?? []), waiter]);
    });
  }

  private drop(channel: string, waiter: Waiter): void {
    const still = (this.waiters.get(channel) ?? []).filter((other) => other !== waiter);
    if (still.length > 0) this.waiters.set(channel, still);
    else this.waiters.delete(channel);
  }

  private async catchUp(channel: string): Promise<void> {
    try {
      const slice = await this.broker.since(channel, this.hub.channel(channel).lastId);
      for (const message of slice.messages) this.receive(message);
    } catch {
      // The broker is away: the publish answers with its id all the same.
    }
  }
}
