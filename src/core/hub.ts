import {
  ChannelStore,
  DEFAULT_HISTORY_LIMITS,
  DEFAULT_STORE_LIMITS,
  type ChannelHistory,
  type CountedHistory,
  type HistoryLimits,
  type StoreLimits,
  type HistorySlice,
} from './history';
import { DEFAULT_CHANNEL, assertChannelName, type Message, type PublishInput } from './message';
import { KeyedSets } from './keyed-sets';

/** Called with every message published on the channel it listens to. */
export type MessageListener = (message: Message) => void;

/**
 * A listener that is an object with a method: a held connection listens as itself (`join`),
 * so that each of thousands of idle ones holds no listener closure of its own.
 */
export interface MessageSink {
  deliver(message: Message): void;
}

/** Told the name of each channel the Hub holds: those it has, then each new one. */
export type ChannelWatcher = (channel: string) => void;

/** Told the name of each channel the Hub forgets (idle, empty, no listener). */
export type ForgetWatcher = (channel: string) => void;

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
  private readonly store: ChannelStore;
  private readonly listeners = new KeyedSets<MessageListener | MessageSink>();
  private readonly watchers = new Set<ChannelWatcher>();
  private readonly forgetWatchers = new Set<ForgetWatcher>();

  constructor(
    limits: HistoryLimits = DEFAULT_HISTORY_LIMITS,
    private readonly now: () => number = Date.now,
    bounds: StoreLimits = DEFAULT_STORE_LIMITS,
  ) {
    this.store = new ChannelStore(
      limits,
      bounds,
      (channel) => this.listeners.count(channel) > 0,
      new Set([DEFAULT_CHANNEL]),
    );
    this.channel(DEFAULT_CHANNEL);
  }

  /**
   * The channel's history, created when first named. Throws RL_ERR_BAD_CHANNEL for a
   * bad name, RL_ERR_TOO_MANY_CHANNELS for a new one past the cap.
   */
  channel(name: string): ChannelHistory {
    return this.open(name);
  }

  private open(name: string): CountedHistory {
    const { history, created } = this.store.open(assertChannelName(name), this.now());
    if (created) for (const watcher of this.watchers) watcher(name);
    return history;
  }

  channelNames(): string[] {
    return this.store.names();
  }

  /** Channels held, and the bytes of history over all of them. */
  get held(): { channels: number; bytes: number } {
    return { channels: this.store.size, bytes: this.store.bytes };
  }

  /** Forgets idle empty channels with no listener (protocol.md, "Limits"); returns their names. */
  sweep(): string[] {
    const forgotten = this.store.sweep(this.now());
    for (const name of forgotten) for (const watcher of this.forgetWatchers) watcher(name);
    return forgotten;
  }

  /** Tells `watcher` each channel forgotten from now on; returns the function that stops. */
  watchForgotten(watcher: ForgetWatcher): () => void {
    this.forgetWatchers.add(watcher);
    return () => {
      this.forgetWatchers.delete(watcher);
    };
  }

  publish(channel: string, input: PublishInput): Message {
    const history = this.open(channel);
    const message = history.append(input, this.now());
    this.store.arrived(history, message);
    this.fanOut(message);
    return message;
  }

  /**
   * Takes a message that already has its id (from the broker) and fans it out in
   * the same tick, as `publish` does; drops it (false) when its id is not newer
   * than the channel's last: a duplicate.
   */
  accept(message: Message): boolean {
    const history = this.open(message.channel);
    if (!history.accept(message, this.now())) return false;
    this.store.arrived(history, message);
    this.fanOut(message);
    return true;
  }

  /** Tells `watcher` every channel held now and each one named later; returns the function that stops. */
  watchChannels(watcher: ChannelWatcher): () => void {
    this.watchers.add(watcher);
    for (const name of this.store.names()) watcher(name);
    return () => {
      this.watchers.delete(watcher);
    };
  }

  private fanOut(message: Message): void {
    for (const listener of this.listeners.items(message.channel)) {
      if (typeof listener === 'function') listener(message);
      else listener.deliver(message);
    }
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

  /** Listens for live messages as `sink` until `leave(channel, sink)`: `subscribe` with no closure. */
  join(channel: string, sink: MessageSink): void {
    this.channel(channel);
    this.listeners.put(channel, sink);
  }

  /** Stops `sink` listening to the channel (nothing if it does not). */
  leave(channel: string, sink: MessageSink): void {
    this.listeners.remove(channel, sink);
  }

  listenerCount(channel?: string): number {
    return this.listeners.count(channel);
  }
}
