import { labError } from './errors';
import { utf8Bytes } from './wsframe';
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
  /**
   * True when `since` is above `lastId`: the reader knows ids this history never gave
   * (the server restarted, or the channel was forgotten). The slice then holds every
   * message kept, all of them newer than anything the reader saw: it starts over in
   * this history's numbering and loses nothing that is still kept.
   */
  ahead?: true;
}

/**
 * Where a reader resuming after `since` goes on from: `since`; the channel's
 * `lastId` when it gave none (live only); or 0 when it gave one above `lastId`
 * (`ahead`: its ids are from before a reset, so it is told, and gets every message
 * kept and then the live ones, rather than nothing until ids catch up).
 */
export function resumeCursor(
  since: number | undefined,
  lastId: number,
): { from: number; ahead: boolean } {
  if (since === undefined) return { from: lastId, ahead: false };
  if (since > lastId) return { from: 0, ahead: true };
  return { from: since, ahead: false };
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

  /** The oldest kept message's id (undefined when none is kept). */
  get firstId(): number | undefined {
    return this.messages[0]?.id;
  }

  /** Gives up the oldest kept message (a store over its byte cap). */
  dropOldest(): Message | undefined {
    const message = this.messages.shift();
    if (message) this.dropped(message);
    return message;
  }

  /** Told each message kept (a subclass counts bytes). */
  protected kept(_message: Message): void {}

  /** Told each message dropped by the limits. */
  protected dropped(_message: Message): void {}

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
    this.kept(message);
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
    this.kept(message);
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
    const ahead = since > this.lastId;
    const from = ahead ? 0 : since;
    const messages = this.messages.slice(this.firstIndexAfter(from));
    const missed = from < this.lastId && messages.length < this.lastId - from;
    const slice: HistorySlice = { messages, lastId: this.lastId, missed };
    if (ahead) slice.ahead = true;
    return slice;
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
    if (drop > 0) for (const message of this.messages.splice(0, drop)) this.dropped(message);
  }
}

/** Bounds on a whole store of channels (protocol.md, "Limits"). */
export interface StoreLimits {
  /** Channels held at most; a new one past it is refused (RL_ERR_TOO_MANY_CHANNELS). */
  maxChannels: number;
  /** Bytes of history kept over all channels; past it the oldest messages, whatever their channel, go first. */
  maxHistoryBytes: number;
  /** A channel with no message and no listener is forgotten once unused this long, ms. */
  idleChannelMs: number;
}

export const DEFAULT_STORE_LIMITS: StoreLimits = {
  maxChannels: 10_000,
  maxHistoryBytes: 64 * 1024 * 1024,
  idleChannelMs: 10 * 60 * 1000,
};

/** What a message costs besides its strings: its ids, times and field names. */
export const MESSAGE_OVERHEAD_BYTES = 128;

/**
 * What a message costs the history: the UTF-8 bytes of its text, sender, type and
 * channel, plus MESSAGE_OVERHEAD_BYTES — about its JSON's size, without serialising it
 * (nothing per message is serialised while nobody watches the trace).
 */
export function messageBytes(message: Message): number {
  return (
    utf8Bytes(message.text) +
    utf8Bytes(message.from) +
    utf8Bytes(message.type) +
    utf8Bytes(message.channel) +
    MESSAGE_OVERHEAD_BYTES
  );
}

/** Sends a channel's changes (bytes, messages) to the store that counts the totals. */
type BytesChanged = (bytes: number, messages: number) => void;

/**
 * A channel history that counts its bytes (`messageBytes`) and can give up its
 * oldest message: what a `ChannelStore` holds.
 */
export class CountedHistory extends ChannelHistory {
  private held = 0;
  private readonly sizes = new Map<number, number>();
  /** When it was last named (ms on the store's clock). */
  usedAt: number;

  constructor(
    channel: string,
    limits: HistoryLimits,
    now: number,
    private readonly changed: BytesChanged,
  ) {
    super(channel, limits);
    this.usedAt = now;
  }

  get bytes(): number {
    return this.held;
  }

  protected override kept(message: Message): void {
    const bytes = messageBytes(message);
    this.sizes.set(message.id, bytes);
    this.held += bytes;
    this.changed(bytes, 1);
  }

  protected override dropped(message: Message): void {
    const bytes = this.sizes.get(message.id) ?? 0;
    this.sizes.delete(message.id);
    this.held -= bytes;
    this.changed(-bytes, -1);
  }
}

interface Kept {
  history: CountedHistory;
  id: number;
}

/**
 * Every channel's history under three bounds: at most `maxChannels` channels
 * (`open` refuses a new one past it), at most `maxHistoryBytes` over all of them
 * (past it, the oldest messages go first, across channels, in the order they
 * arrived), and channels that hold no message and no listener (`inUse`) are
 * forgotten by `sweep` once unused for `idleChannelMs` — a forgotten channel
 * starts again from id 1 if it is named again. `keep` names channels that are
 * never forgotten (`lobby`).
 */
export class ChannelStore {
  private readonly channels = new Map<string, CountedHistory>();
  /** Messages in the order they arrived: the oldest kept one is at `head`. */
  private arrivals: Kept[] = [];
  private head = 0;
  private total = 0;
  /** Messages kept over all channels. */
  private count = 0;
  private readonly onBytes: BytesChanged = (bytes, messages) => {
    this.total += bytes;
    this.count += messages;
  };

  constructor(
    private readonly limits: HistoryLimits,
    readonly bounds: StoreLimits,
    private readonly inUse: (channel: string) => boolean,
    private readonly keep: ReadonlySet<string> = new Set(),
  ) {}

  get(name: string): CountedHistory | undefined {
    return this.channels.get(name);
  }

  /** The channel's history, made if new: throws RL_ERR_TOO_MANY_CHANNELS past the cap. */
  open(name: string, now: number): { history: CountedHistory; created: boolean } {
    const held = this.channels.get(name);
    if (held) {
      held.usedAt = now;
      return { history: held, created: false };
    }
    if (this.channels.size >= this.bounds.maxChannels) this.sweep(now);
    if (this.channels.size >= this.bounds.maxChannels) {
      throw labError(
        'TOO_MANY_CHANNELS',
        `too many channels: ${this.channels.size} held, at most ${this.bounds.maxChannels}; use an existing one, or try again once idle empty ones are forgotten (after ${this.bounds.idleChannelMs} ms)`,
      );
    }
    const history = new CountedHistory(name, this.limits, now, this.onBytes);
    this.channels.set(name, history);
    return { history, created: true };
  }

  names(): string[] {
    return [...this.channels.keys()];
  }

  get size(): number {
    return this.channels.size;
  }

  /** Bytes of history held over all channels. */
  get bytes(): number {
    return this.total;
  }

  /** Arrivals still listed for the byte cap (kept near the messages kept; for tests). */
  get listedArrivals(): number {
    return this.arrivals.length - this.head;
  }

  /** Notes a message the channel just kept, then drops the oldest ones while over the byte cap. */
  arrived(history: CountedHistory, message: Message): void {
    this.arrivals.push({ history, id: message.id });
    this.trim(history);
  }

  /**
   * Forgets the channels that hold no message (after pruning) and no listener
   * and have been unused for `idleChannelMs`; returns their names.
   */
  sweep(now: number): string[] {
    const forgotten: string[] = [];
    for (const [name, history] of this.channels) {
      if (this.keep.has(name) || now - history.usedAt < this.bounds.idleChannelMs) continue;
      history.prune(now);
      if (history.size > 0 || this.inUse(name)) continue;
      this.channels.delete(name);
      forgotten.push(name);
    }
    this.compact();
    return forgotten;
  }

  /** Drops the oldest message of all while over the byte cap, but never the one just kept. */
  private trim(newest: CountedHistory): void {
    while (this.total > this.bounds.maxHistoryBytes && this.head < this.arrivals.length) {
      const oldest = this.arrivals[this.head]!;
      if (this.isStale(oldest)) {
        this.head++;
        continue;
      }
      if (oldest.history === newest && oldest.id === newest.lastId) break;
      this.head++;
      oldest.history.dropOldest();
    }
    this.compact();
  }

  /** An arrival no longer kept: pruned by count or age, dropped, or its channel forgotten. */
  private isStale(entry: Kept): boolean {
    return (
      this.channels.get(entry.history.channel) !== entry.history ||
      (entry.history.firstId ?? Infinity) > entry.id
    );
  }

  /**
   * Keeps the arrival list near the number of messages kept: messages pruned by the
   * per-channel limits leave stale entries behind, cleared once they outnumber the rest.
   */
  private compact(): void {
    const listed = this.arrivals.length - this.head;
    if (listed <= 2 * this.count + 1024) return;
    this.arrivals = this.arrivals.slice(this.head).filter((entry) => !this.isStale(entry));
    this.head = 0;
  }
}
