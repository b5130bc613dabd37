import type { Technique } from '../core';

/** Technique names as they appear in connection ids. */
export type ConnKind = Technique | 'publish' | 'observe';

/**
 * Makes connection/request ids `<actor>-<kind>-<n>`, n counting from 1 per
 * actor and kind. One generator is shared by the page so a restarted transport
 * never reuses an id (the server's trace keys on it).
 */
export class ConnIds {
  private readonly counters = new Map<string, number>();

  next(actor: string, kind: ConnKind): string {
    const key = `${actor}-${kind}`;
    const n = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, n);
    return `${key}-${n}`;
  }
}

export const connIds = new ConnIds();
