/** The kinds of connection the lab holds open and can drop. */
export type HeldKind = 'long-poll' | 'sse' | 'websocket';

/** How a held connection ends when the lab ends it: a fault, or the server shutting down. */
export type EndReason = 'drop' | 'shutdown';

/**
 * A connection the registry can end or silence: a held connection registers itself
 * (`hold`), so that each of thousands of idle ones costs the registry no closure.
 */
export interface TrackedConnection {
  readonly kind: HeldKind;
  end(reason: EndReason): void;
  /** Makes the connection half-open: it stays open, but nothing flows on it either way. */
  silence?(): void;
}

/**
 * Every held poll, SSE stream and channel socket registers here, so that the
 * `drop`/`restart` faults and shutdown can end them all, and tests can check
 * that nothing is left behind. The observer's sockets are not registered.
 */
export class ConnectionRegistry {
  private readonly held = new Set<TrackedConnection>();
  /** The held connections the half-open fault silenced, until each ends (someone noticed). */
  private readonly silenced = new Set<TrackedConnection>();
  /**
   * Connections the server has given up on but leaves open, unread and unwritten (a
   * half-open socket whose peer must notice by itself): each one's cut, for drop and shutdown.
   */
  private readonly lingering = new Set<() => void>();
  /** Called when the last half-open connection has ended (someone noticed it was dead). */
  onAllNoticed: (() => void) | null = null;

  /** Registers a connection until `forget(connection)`. */
  hold(connection: TrackedConnection): void {
    this.held.add(connection);
  }

  /** Forgets a held connection (safe to call twice); the last silenced one to go calls `onAllNoticed`. */
  forget(connection: TrackedConnection): void {
    if (!this.held.delete(connection) || !this.silenced.delete(connection)) return;
    if (this.silenced.size === 0) this.onAllNoticed?.();
  }

  /** Registers a connection by its functions; returns the function that forgets it (safe to call twice). */
  track(kind: HeldKind, end: (reason: EndReason) => void, silence?: () => void): () => void {
    const connection: TrackedConnection = silence ? { kind, end, silence } : { kind, end };
    this.hold(connection);
    return () => this.forget(connection);
  }

  /** Makes every open connection that can be silenced half-open; returns how many. */
  silenceAll(): number {
    let n = 0;
    for (const connection of this.held) {
      if (!connection.silence || this.silenced.has(connection)) continue;
      this.silenced.add(connection);
      connection.silence();
      n++;
    }
    return n;
  }

  /** Half-open connections not noticed (ended) yet. */
  get halfOpen(): number {
    return this.silenced.size;
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
    const hadSilenced = this.silenced.size > 0;
    this.silenced.clear();
    for (const connection of all) connection.end(reason);
    if (hadSilenced) this.onAllNoticed?.();
    return all.length;
  }
}
