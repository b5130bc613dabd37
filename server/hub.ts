import {
  ChannelHistory,
  DEFAULT_CHANNEL,
  DEFAULT_HISTORY_LIMITS,
  assertChannelName,
  type HistoryLimits,
  type HistorySlice,
  type Message,
  type PublishInput,
} from '../src/core';
import { KeyedSets } from './keyed-sets';

/** Called with every message published on the channel it listens to. */
export type MessageListener = (message: Message) => void;

/** Told the name of each channel the Hub holds: those it has, then each new one. */
export type ChannelWatcher = (channel: string) => void;

/**
 * The channel hub: one bounded history per channel (created on first use,
 * `lobby` from the start) plus the live listeners of each channel. Every
 * technique reads from here; a message enters here once and fans out.
 * Everything is synchronous, so reading history and subscribing in the same
 * tick leaves no gap between replay and live delivery.
 *
 * In the lab the Hub is the gateway's local replica of the broker: the lab
 * subscribes each channel the Hub names (`watchChannels`) and `accept`s what the
 * broker delivers, with the broker's ids. `publish` (ids given here) is the Hub
 * on its own, without a broker.
 */
export class Hub {
  private readonly channels = new Map<string, ChannelHistory>();
  private readonly listeners = new KeyedSets<MessageListener>();
  private readonly watchers = new Set<ChannelWatcher>();

  constructor(
    private readonly limits: HistoryLimits = DEFAULT_HISTORY_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.channel(DEFAULT_CHANNEL);
  }

  /** The channel's history, created when first named. Throws RL_ERR_BAD_CHANNEL for a bad name. */
  channel(name: string): ChannelHistory {
    let history = this.channels.get(name);
    if (!history) {
      history = new ChannelHistory(assertChannelName(name), this.limits);
      this.channels.set(name, history);
      for (const watcher of this.watchers) watcher(name);
    }
    return history;
  }

  channelNames(): string[] {
    return [...this.channels.keys()];
  }

  publish(channel: string, input: PublishInput): Message {
    const message = this.channel(channel).append(input, this.now());
    this.fanOut(message);
    return message;
  }

  /**
   * Takes a message that already has its id (from the broker) and fans it out in
   * the same tick, as `publish` does; drops it (false) when its id is not newer
   * than the channel's last: a duplicate.
   */
  accept(message: Message): boolean {
    if (!this.channel(message.channel).accept(message, this.now())) return false;
    this.fanOut(message);
    return true;
  }

  /** Tells `watcher` every channel held now and each one named later; returns the function that stops. */
  watchChannels(watcher: ChannelWatcher): () => void {
    this.watchers.add(watcher);
    for (const name of [...this.channels.keys()]) watcher(name);
    return () => {
      this.watchers.delete(watcher);
    };
  }

  private fanOut(message: Message): void {
    for (const listener of this.listeners.items(message.channel)) listener(message);
  }

  /** Messages newer than `since` (0 = all kept), oldest first. */
  since(channel: string, since: number): HistorySlice {
    return this.channel(channel).since(since, this.now());
  }

  /** Listens for live messages; returns the function that stops listening (safe to call twice). */
  subscribe(channel: string, listener: MessageListener): () => void {
    this.channel(channel);
    return this.listeners.add(channel, listener);
  }

  listenerCount(channel?: string): number {
    return this.listeners.count(channel);
  }
}
