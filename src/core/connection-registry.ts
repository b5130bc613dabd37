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
