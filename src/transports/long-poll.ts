import { BaseTransport } from './base';

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
 * States: `holding` while a poll is held, `reconnect-wait` after a failure,
 * `waiting` only in the busy-loop guard above, `closed` after stop().
 */
export class LongPollTransport extends BaseTransport {
  readonly technique = 'long-poll' as const;

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
    // The server answers by the timeout at the latest; past it (and a margin) the poll is dead.
    const outcome = await this.pollOnce(conn, url, { timeoutMs }, timeoutMs + ANSWER_MARGIN_MS);
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
