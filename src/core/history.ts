import { DEFAULT_MESSAGE_TYPE, type Message, type PublishInput } from './message';

export interface HistoryLimits {
  /** Keep at most this many messages per channel. */
  maxCount: number;
  /** Forget messages older than this, in ms. */
  maxAgeMs: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { maxCount: 1000, maxAgeMs: 60 * 60 * 1000 };

/** What a reader gets back: the messages newer than its id, and whether some had already been forgotten. */
export interface HistorySlice {
  messages: Message[];
  lastId: number;
  /** True when messages newer than `since` existed but were dropped by the limits. */
  missed: boolean;
}

/**
 * One channel's bounded history. Ids start at 1 and only grow: a pruned id is
 * never handed out again, so a reader's `since` stays meaningful for as long as
 * the server runs. A replica (a gateway's Hub) `accept`s messages whose ids were
 * given elsewhere (the broker): they must grow strictly, but may skip ids (messages
 * this replica never received), and `since` then says `missed` for a range with a
 * hole, as it does for a range the limits dropped.
 */
export class ChannelHistory {
  private readonly messages: Message[] = [];
  private nextId = 1;

  constructor(
    readonly channel: string,
    private readonly limits: HistoryLimits = DEFAULT_HISTORY_LIMITS,
  ) {}

  get lastId(): number {
    return this.nextId - 1;
  }

  get size(): number {
    return this.messages.length;
  }

  append(input: PublishInput, now: number): Message {
    const message: Message = {
      id: this.nextId++,
      channel: this.channel,
      type: input.type ?? DEFAULT_MESSAGE_TYPE,
      from: input.from,
      text: input.text,
      publishedAt: now,
    };
    if (input.sentAt !== undefined) message.sentAt = input.sentAt;
    this.messages.push(message);
    this.prune(now);
    return message;
  }

  /**
   * Keeps a message whose id was given elsewhere, when it is newer than `lastId`;
   * returns false (and keeps nothing) for an id not newer: a duplicate.
   */
  accept(message: Message, now: number): boolean {
    if (message.id <= this.lastId) return false;
    this.nextId = message.id + 1;
    this.messages.push(message);
    this.prune(now);
    return true;
  }

  /**
   * Messages with id > since, oldest first. Ids are whole and strictly increasing,
   * so the range (since, lastId] is complete exactly when it holds lastId − since
   * messages: fewer means some were pruned or never received (`missed`).
   */
  since(since: number, now: number): HistorySlice {
    this.prune(now);
    const messages = this.messages.slice(this.firstIndexAfter(since));
    const missed = since < this.lastId && messages.length < this.lastId - since;
    return { messages, lastId: this.lastId, missed };
  }

  /** Binary search: the index of the first message whose id is greater than `id`. */
  private firstIndexAfter(id: number): number {
    let lo = 0;
    let hi = this.messages.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.messages[mid]!.id <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  prune(now: number): void {
    let drop = Math.max(0, this.messages.length - this.limits.maxCount);
    while (
      drop < this.messages.length &&
      now - this.messages[drop]!.publishedAt > this.limits.maxAgeMs
    ) {
      drop++;
    }
    if (drop > 0) this.messages.splice(0, drop);
  }
}
