/**
 * The broker between servers: the one place a message gets its id, however many
 * gateways take publishes, and the one place every gateway hears about every
 * message. Two implementations keep the same contract
 * (`broker-contract.ts`, run against both):
 *
 * - `MemoryBroker` (memory-broker.ts): the embedded default, one process, no dependency;
 * - `RedisBroker` (redis-broker.ts): a real Redis, pub/sub for fan-out and a Stream per
 *   channel for history.
 *
 * Ids start at 1 on each channel and grow by one per message, strictly, across every
 * instance on one backend. Live delivery (`subscribe`) alone may miss messages — Redis
 * pub/sub is at-most-once — so a gateway that resumes a client uses `subscribeFrom`, which
 * fills every gap from the history.
 */
import {
  labError,
  type HistoryLimits,
  type HistorySlice,
  type Message,
  type PublishInput,
} from '../../src/core';

/** Called with each live message of the channel it listens to, in id order. */
export type BrokerListener = (message: Message) => void;

/** Stops a subscription (safe to call twice). */
export type Unsubscribe = () => Promise<void>;

export interface SubscribeOptions {
  /**
   * The broker's connection was lost and is back: live messages published meanwhile
   * may never arrive, so a subscriber should read the history after its last id.
   */
  onReconnect?: () => void;
}

/** A `since` must be a message id: a whole number ≥ 0 (RL_ERR_BAD_SINCE otherwise). */
export function assertSinceId(id: number): number {
  if (!Number.isSafeInteger(id) || id < 0) {
    throw labError('BAD_SINCE', `since must be a message id (a whole number ≥ 0), got ${id}`);
  }
  return id;
}

/** One live subscription as an implementation keeps it. */
export interface LiveSubscription {
  listener: BrokerListener;
  onReconnect?: () => void;
}

export function liveSubscription(
  listener: BrokerListener,
  options: SubscribeOptions,
): LiveSubscription {
  const subscription: LiveSubscription = { listener };
  if (options.onReconnect) subscription.onReconnect = options.onReconnect;
  return subscription;
}

export interface Broker {
  /** `memory` or `redis`: which implementation this is. */
  readonly kind: 'memory' | 'redis';
  /** The limits every channel's history keeps (the Hub's by default). */
  readonly limits: HistoryLimits;
  /**
   * Stores the message, gives it the channel's next id and tells every subscriber on
   * every instance. Rejects RL_ERR_BAD_CHANNEL for a bad name, RL_ERR_BROKER_DOWN when
   * the broker cannot take it.
   */
  publish(channel: string, input: PublishInput): Promise<Message>;
  /** Listens for live messages from the moment the returned promise resolves. */
  subscribe(
    channel: string,
    listener: BrokerListener,
    options?: SubscribeOptions,
  ): Promise<Unsubscribe>;
  /** The kept messages with id > `sinceId` (0 = all kept), oldest first. */
  since(channel: string, sinceId: number): Promise<HistorySlice>;
  /** Ends every subscription and connection of this instance; later calls reject. */
  close(): Promise<void>;
}

export interface ResumeOptions {
  /** Messages after the last delivered id had already been dropped by the limits. */
  onMissed?: (slice: HistorySlice) => void;
  /** A history read failed (the broker is down): live delivery goes on; the next gap or reconnection catches up again. */
  onError?: (error: unknown) => void;
  /** After each catch-up (the first, and one per gap or reconnection): what it delivered. */
  onCatchUp?: (report: CatchUpReport) => void;
}

export interface CatchUpReport {
  /** The id it read the history after. */
  after: number;
  /** Delivered from the history. */
  fromHistory: number;
  /** Live messages that arrived during the catch-up, delivered after the history. */
  fromBuffer: number;
  /** Live messages already delivered from the history: dropped as duplicates. */
  dropped: number;
}

/**
 * A resumed subscription's life: catching up from history while live messages
 * wait in a buffer, then live, then closed.
 */
type ResumeState =
  { kind: 'catching-up'; buffer: Message[] } | { kind: 'live' } | { kind: 'closed' };

/**
 * Delivers every message after `sinceId`, then every live one, each once and in id
 * order: it subscribes FIRST, then reads the history after `sinceId`, delivers it,
 * then the live messages that arrived meanwhile, dropping any id already delivered.
 * A live message that skips ids (pub/sub lost some while a connection was away), or
 * the broker saying it reconnected, starts another catch-up from the last id.
 */
export async function subscribeFrom(
  broker: Broker,
  channel: string,
  sinceId: number,
  listener: BrokerListener,
  options: ResumeOptions = {},
): Promise<Unsubscribe> {
  let last = assertSinceId(sinceId);
  let state: ResumeState = { kind: 'catching-up', buffer: [] };

  /** Hands the message on unless its id was already delivered; says whether it did. */
  const deliver = (message: Message): boolean => {
    if (message.id <= last) return false;
    last = message.id;
    listener(message);
    return true;
  };

  const catchUp = async (): Promise<void> => {
    const after = last;
    let fromHistory = 0;
    try {
      const slice = await broker.since(channel, last);
      if (slice.missed) options.onMissed?.(slice);
      if (state.kind === 'closed') return;
      for (const message of slice.messages) if (deliver(message)) fromHistory++;
    } catch (error) {
      options.onError?.(error);
    }
    if (state.kind !== 'catching-up') return;
    const buffered = state.buffer.sort((a, b) => a.id - b.id);
    state = { kind: 'live' };
    let fromBuffer = 0;
    for (const message of buffered) if (deliver(message)) fromBuffer++;
    options.onCatchUp?.({ after, fromHistory, fromBuffer, dropped: buffered.length - fromBuffer });
  };

  const startCatchUp = (first?: Message): void => {
    state = { kind: 'catching-up', buffer: first ? [first] : [] };
    void catchUp();
  };

  const onLive = (message: Message): void => {
    switch (state.kind) {
      case 'closed':
        return;
      case 'catching-up':
        state.buffer.push(message);
        return;
      case 'live':
        if (message.id > last + 1) startCatchUp(message);
        else deliver(message);
    }
  };

  const unsubscribe = await broker.subscribe(channel, onLive, {
    onReconnect: () => {
      if (state.kind === 'live') startCatchUp();
    },
  });
  await catchUp();
  return async () => {
    state = { kind: 'closed' };
    await unsubscribe();
  };
}
