import type { TraceEventInput } from '../core';

export interface PageShare {
  append(event: TraceEventInput): void;
  /** Also keeps the server's steps of a connection the page did not open itself (a schedule it started). */
  adopt(conn: string): void;
}

/**
 * Keeps only this page's share of the server's observer stream: the server
 * reports every client it serves, the page wants the connections it opened,
 * the ones it adopted, and faults (which concern everyone).
 */
export function pageShare(target: { append(event: TraceEventInput): void }): PageShare {
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
