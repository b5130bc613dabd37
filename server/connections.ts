export { OrderedDelay } from '../src/core/ordered-delay';
export {
  ConnectionRegistry,
  type EndReason,
  type HeldKind,
  type TrackedConnection,
} from '../src/core/connection-registry';

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
