/** The kinds of connection the lab holds open and can drop. */
export type HeldKind = 'long-poll' | 'sse' | 'websocket';

/** How a held connection ends when the lab ends it: a fault, or the server shutting down. */
export type EndReason = 'drop' | 'shutdown';

interface Held {
  kind: HeldKind;
  end: (reason: EndReason) => void;
  /** Makes the connection half-open: it stays open, but nothing flows on it either way. */
  silence: (() => void) | undefined;
  silenced: boolean;
}

/**
 * Every held poll, SSE stream and channel socket registers here, so that the
 * `drop`/`restart` faults and shutdown can end them all, and tests can check
 * that nothing is left behind. The observer's sockets are not registered.
 */
export class ConnectionRegistry {
  private readonly held = new Set<Held>();
  /**
   * Connections the server has given up on but leaves open, unread and unwritten (a
   * half-open socket whose peer must notice by itself): each one's cut, for drop and shutdown.
   */
  private readonly lingering = new Set<() => void>();
  private silencedLeft = 0;
  /** Called when the last half-open connection has ended (someone noticed it was dead). */
  onAllNoticed: (() => void) | null = null;

  /** Registers a connection; returns the function that forgets it (safe to call twice). */
  track(kind: HeldKind, end: (reason: EndReason) => void, silence?: () => void): () => void {
    const entry: Held = { kind, end, silence, silenced: false };
    this.held.add(entry);
    return () => {
      if (!this.held.delete(entry) || !entry.silenced) return;
      this.silencedLeft--;
      if (this.silencedLeft === 0) this.onAllNoticed?.();
    };
  }

  /** Makes every open connection that can be silenced half-open; returns how many. */
  silenceAll(): number {
    let n = 0;
    for (const entry of this.held) {
      if (!entry.silence || entry.silenced) continue;
      entry.silenced = true;
      entry.silence();
      n++;
    }
    this.silencedLeft += n;
    return n;
  }

  /** Half-open connections not noticed (ended) yet. */
  get halfOpen(): number {
    return this.silencedLeft;
  }

  count(kind: HeldKind): number {
    let n = 0;
    for (const entry of this.held) if (entry.kind === kind) n++;
    return n;
  }

  /**
   * Keeps a connection the server has given up on until `cut` ends it: a drop or
   * shutdown cuts it too. Returns the function that forgets it (safe to call twice).
   * Lingering connections are not counted, held or half-open: the server's side is done.
   */
  linger(cut: () => void): () => void {
    const entry = (): void => cut();
    this.lingering.add(entry);
    return () => {
      this.lingering.delete(entry);
    };
  }

  /** Connections the server has given up on that are still open (see `linger`). */
  get lingeringCount(): number {
    return this.lingering.size;
  }

  endAll(reason: EndReason): number {
    const lingering = [...this.lingering];
    this.lingering.clear();
    for (const cut of lingering) cut();
    const all = [...this.held];
    this.held.clear();
    const silenced = all.filter((entry) => entry.silenced).length;
    for (const entry of all) entry.end(reason);
    if (silenced > 0) {
      this.silencedLeft -= silenced;
      if (this.silencedLeft === 0) this.onAllNoticed?.();
    }
    return all.length;
  }
}

/**
 * Runs writes after a delay while keeping their order: each write is due at
 * `now + delay`, never before the one queued ahead of it. With no delay and an
 * empty queue a write runs at once.
 */
export class OrderedDelay {
  private readonly queue: { due: number; run: () => void }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly delayMs: () => number) {}

  run(write: () => void): void {
    const delay = this.delayMs();
    if (delay <= 0 && this.queue.length === 0) {
      write();
      return;
    }
    const last = this.queue[this.queue.length - 1];
    // Dues are on the timers' clock, not the lab's: setTimeout runs on real time, and a lab
    // clock a test holds still would keep a due from ever arriving.
    const due = Math.max(Date.now() + delay, last?.due ?? 0);
    this.queue.push({ due, run: write });
    this.schedule();
  }

  cancel(): void {
    this.queue.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    // The timers' clock, as in `run`.
    const wait = Math.max(0, this.queue[0]!.due - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = Date.now();
      while (this.queue.length > 0 && this.queue[0]!.due <= now) this.queue.shift()!.run();
      this.schedule();
    }, wait);
  }
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** How long a slow consumer's close frame (or end of stream) gets to go out before its socket is cut, ms. */
export const SLOW_CONSUMER_GRACE_MS = 1_000;

/**
 * Whether writing `bytes` more to a connection with `queued` bytes not yet taken by
 * its peer would pass `limit` (`maxQueuedBytes`). A write on an empty queue always
 * goes, whatever its size: only a peer that does not read is cut.
 */
export function overQueueLimit(queued: number, bytes: number, limit: number): boolean {
  return queued > 0 && queued + bytes > limit;
}

/** The reason a slow consumer is cut with (a close reason: short, under 123 bytes). */
export function slowConsumerReason(queued: number, limit: number): string {
  return `slow consumer: ${queued} bytes unread, at most ${limit} may wait`;
}
