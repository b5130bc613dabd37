import type { TraceEventInput } from '../core';

/**
 * What a page keeps of the server's steps (the /api/observe stream): the
 * steps of its own connections. Not a share link, and not the page's client
 * of the stream (src/transports/observer.ts), which feeds it.
 */
export interface OwnStepsFilter {
  append(event: TraceEventInput): void;
  /** Also keeps the server's steps of a connection the page did not open itself (a schedule it started). */
  adopt(conn: string): void;
}

/**
 * Keeps only this page's own steps of the server's stream: the server
 * reports every client it serves, the page wants the connections it opened,
 * the ones it adopted, and faults (which concern everyone).
 */
export function ownStepsFilter(target: { append(event: TraceEventInput): void }): OwnStepsFilter {
  const local = new Set<string>();
  return {
    append(event) {
      if (event.observer === 'client') local.add(event.conn);
      else if (event.kind !== 'fault' && !local.has(event.conn)) return;
      target.append(event);
    },
    adopt(conn) {
      local.add(conn);
    },
  };
}
