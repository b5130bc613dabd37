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

/**
 * The channel hub: one bounded history per channel (created on first use,
 * `lobby` from the start) plus the live listeners of each channel. Every
 * technique reads from here; a publish enters here once and fans out.
 * Everything is synchronous, so reading history and subscribing in the same
 * tick leaves no gap between replay and live delivery.
 */
export class Hub {
  private readonly channels = new Map<string, ChannelHistory>();
  private readonly listeners = new KeyedSets<MessageListener>();

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
    }
    return history;
  }

  channelNames(): string[] {
    return [...this.channels.keys()];
  }

  publish(channel: string, input: PublishInput): Message {
    const message = this.channel(channel).append(input, this.now());
    for (const listener of this.listeners.items(channel)) listener(message);
    return message;
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
