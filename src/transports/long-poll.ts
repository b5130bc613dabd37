import { BaseTransport } from './base';
import type { Knobs } from './types';

/**
 * Below this, an empty answer came back too fast to have been held (a
 * `timeout=0` knob): wait this long before the next poll so a learner's
 * experiment cannot spin the page in a busy loop.
 */
export const MIN_EMPTY_REPOLL_MS = 250;

/** How long past its timeout a held poll may stay unanswered before it is given up as dead. */
export const ANSWER_MARGIN_MS = 10_000;

/**
 * Long polling: `GET long-poll?since=<lastId>&timeout=<ms>`. The server holds
 * the request until a newer message exists (or the timeout passes and it
 * answers empty); the client re-polls as soon as an answer arrives. A failed
 * poll (network error, non-200) waits with exponential backoff and full
 * jitter, then polls again from its last id.
 *
 * A new timeout knob reaches the poll already held: that poll is released
 * (aborted, traced as a `close` saying so, no backoff) and sent again at once
 * from the same `since` with the new timeout.
 *
 * States: `holding` while a poll is held, `reconnect-wait` after a failure,
 * `waiting` only in the busy-loop guard above, `closed` after stop().
 */
export class LongPollTransport extends BaseTransport {
  readonly technique = 'long-poll' as const;
  /** The poll the server holds now, if any. */
  private held: string | undefined;

  protected override knobsChanged(previous: Knobs): void {
    const timeoutMs = this.knobs.longPollTimeoutMs;
    const held = this.held;
    if (held === undefined || timeoutMs === previous.longPollTimeoutMs) return;
    if (!this.release(held, `timeout changed to ${timeoutMs} ms: released, sent again at once`))
      return;
    // The held poll's loop ends with its abort; a new loop starts from the same since.
    this.held = undefined;
    void this.poll(++this.generation, this.nextConn());
  }

  protected open(): void {
    if (!this.options.receive) {
      this.setState('open');
      return;
    }
    void this.poll(this.generation, this.nextConn());
  }

  protected shut(): void {
    // The held request is aborted by stop(); nothing else stays open.
  }

  private async poll(generation: number, conn: string): Promise<void> {
    if (generation !== this.generation) return;
    const timeoutMs = this.knobs.longPollTimeoutMs;
    const url = this.url('long-poll', conn, { since: this.since ?? 0, timeout: timeoutMs });
    this.setState('holding');
    const startedAt = this.now();
    this.held = conn;
    // The server answers by the timeout at the latest; past it (and a margin) the poll is dead.
    const outcome = await this.pollOnce(conn, url, { timeoutMs }, timeoutMs + ANSWER_MARGIN_MS);
    if (this.held === conn) this.held = undefined;
    if (outcome === 'stopped' || generation !== this.generation) return;
    if (outcome === 'messages' || outcome === 'empty') {
      this.recovered();
      // Messages, or an empty answer after a real hold: poll again at once.
      if (outcome === 'messages' || this.now() - startedAt >= MIN_EMPTY_REPOLL_MS) {
        void this.poll(generation, this.nextConn());
        return;
      }
      this.setState('waiting');
      this.timers.set(() => void this.poll(generation, this.nextConn()), MIN_EMPTY_REPOLL_MS);
      return;
    }
    this.reconnectLater(conn, generation, (next) => void this.poll(generation, next));
  }
}
