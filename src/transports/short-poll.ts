import { BaseTransport } from './base';

/** A short poll is answered at once: one unanswered this long is given up as dead (half-open). */
export const SHORT_POLL_ANSWER_MS = 10_000;

/**
 * Short polling: `GET messages?since=<lastId>` again and again. The server
 * answers at once, mostly with nothing: every empty answer is a wasted round
 * trip, which is what this technique teaches. The interval runs from the end
 * of one poll to the start of the next, so polls never overlap.
 *
 * A failed poll waits with exponential backoff and full jitter before the
 * next one.
 *
 * States: `open` while a poll is in flight, `waiting` between polls,
 * `reconnect-wait` after a failure, `closed` after stop().
 */
export class ShortPollTransport extends BaseTransport {
  readonly technique = 'short-poll' as const;

  protected open(): void {
    if (!this.options.receive) {
      this.setState('open');
      return;
    }
    void this.poll(this.generation);
  }

  protected shut(): void {
    // Nothing kept open between polls: stop() already cancelled the timer and the fetch.
  }

  private async poll(generation: number, conn = this.nextConn()): Promise<void> {
    if (generation !== this.generation) return;
    this.setState('open');
    const outcome = await this.pollOnce(
      conn,
      this.url('messages', conn, { since: this.since ?? 0 }),
      {},
      SHORT_POLL_ANSWER_MS,
    );
    if (outcome === 'stopped' || generation !== this.generation) return;
    if (outcome === 'error') {
      this.reconnectLater(
        conn,
        generation,
        (next) => void this.poll(generation, next),
        'polling again',
      );
      return;
    }
    this.recovered();
    this.setState('waiting');
    this.timers.set(() => void this.poll(generation), this.knobs.pollIntervalMs);
  }
}
