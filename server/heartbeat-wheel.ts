/**
 * Heartbeats on shared timers: every connection that beats every `ms` is an entry in one
 * list for that interval, kept in the order its beats fall due, with one timer armed for
 * the first of them. Each connection still beats on its own interval from when it began
 * (not in step with the others), as with an interval of its own, but an idle connection
 * costs an entry (a few fields) instead of a Node `Timeout` and its closure, and thousands
 * of sockets with the default heartbeat share one list and one timer.
 */

/** What beats: a connection, whose `beat` method runs on each interval (no closure of its own). */
export interface Beater {
  beat(): void;
}

/** One connection's heartbeat: when it is next due, and its place in its interval's list. */
export interface Beat {
  /** When it next falls due (the timers' clock, ms). */
  due: number;
  readonly beater: Beater;
  prev: Beat | null;
  next: Beat | null;
  /** The list it is in; null once cancelled. */
  list: BeatList | null;
}

/** Every beat of one interval, earliest due first, and the one timer armed for the first. */
interface BeatList {
  readonly ms: number;
  head: Beat | null;
  tail: Beat | null;
  size: number;
  timer: ReturnType<typeof setTimeout> | null;
}

export class HeartbeatWheel {
  private readonly lists = new Map<number, BeatList>();

  /**
   * `now` is the timers' clock (Date.now, as for `OrderedDelay`: setTimeout runs on
   * real time, and fake timers in tests move both).
   */
  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Calls `beater.beat()` every `ms` from now until `cancel`; returns the beat to cancel. */
  every(ms: number, beater: Beater): Beat {
    let list = this.lists.get(ms);
    if (!list) {
      list = { ms, head: null, tail: null, size: 0, timer: null };
      this.lists.set(ms, list);
    }
    const beat: Beat = { due: this.now() + ms, beater, prev: null, next: null, list };
    this.append(list, beat);
    if (list.head === beat) this.arm(list);
    return beat;
  }

  /** Stops a beat (safe to call twice); the list's timer stops with its last beat. */
  cancel(beat: Beat): void {
    const list = beat.list;
    if (!list) return;
    const wasHead = list.head === beat;
    this.unlink(list, beat);
    beat.list = null;
    if (list.size === 0) {
      if (list.timer) clearTimeout(list.timer);
      this.lists.delete(list.ms);
    } else if (wasHead) this.arm(list);
  }

  /** Beats running, over every interval (for tests). */
  get size(): number {
    let size = 0;
    for (const list of this.lists.values()) size += list.size;
    return size;
  }

  /** Timers armed: one per interval in use (for tests). */
  get timers(): number {
    return this.lists.size;
  }

  private arm(list: BeatList): void {
    if (list.timer) clearTimeout(list.timer);
    const head = list.head;
    list.timer = head
      ? setTimeout(() => this.fire(list), Math.max(0, head.due - this.now()))
      : null;
  }

  /**
   * Runs every beat that is due, each moved to the back of the list first (due again one
   * interval from now, as Node reschedules an interval after its callback), so that a
   * beat may cancel its own or any other, or start new ones.
   */
  private fire(list: BeatList): void {
    list.timer = null;
    const now = this.now();
    try {
      while (list.head && list.head.due <= now) {
        const beat = list.head;
        this.unlink(list, beat);
        beat.due = now + list.ms;
        this.append(list, beat);
        beat.beater.beat();
      }
    } finally {
      // Armed again even if a beat threw, so that the other connections go on beating.
      if (list.size > 0) this.arm(list);
    }
  }

  private append(list: BeatList, beat: Beat): void {
    beat.prev = list.tail;
    beat.next = null;
    if (list.tail) list.tail.next = beat;
    else list.head = beat;
    list.tail = beat;
    list.size += 1;
  }

  private unlink(list: BeatList, beat: Beat): void {
    if (beat.prev) beat.prev.next = beat.next;
    else list.head = beat.next;
    if (beat.next) beat.next.prev = beat.prev;
    else list.tail = beat.prev;
    beat.prev = null;
    beat.next = null;
    list.size -= 1;
  }
}
