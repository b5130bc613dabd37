/**
 * What a measured cost per connection means at the article's scale ("A WebSocket connection
 * uses ~2-10KB of memory. 1M connections = 2-10GB RAM"; "a single server can handle
 * ~100K-1M connections"; "10M concurrent users, you need multiple gateway servers"): the
 * memory that many connections take, how many fit one server, and how many servers 10M
 * users need — from this machine's own figure, beside the article's.
 */

/** The article's memory per WebSocket connection, bytes (2–10 KB). */
export const ARTICLE_BYTES_PER_CONNECTION = { min: 2_000, max: 10_000 } as const;

/** The article's connections per server (100K–1M). */
export const ARTICLE_CONNECTIONS_PER_SERVER = { min: 100_000, max: 1_000_000 } as const;

/** The article's many-servers case: 10M concurrent users. */
export const ARTICLE_USERS = 10_000_000;

/** Where a measured figure falls against the article's range. */
export type ArticleVerdict = 'below' | 'within' | 'above';

export function againstArticle(bytesPerConnection: number): ArticleVerdict {
  if (bytesPerConnection < ARTICLE_BYTES_PER_CONNECTION.min) return 'below';
  if (bytesPerConnection > ARTICLE_BYTES_PER_CONNECTION.max) return 'above';
  return 'within';
}

export interface ConnectionProjection {
  bytesPerConnection: number;
  /** Memory 100K and 1M such connections take, bytes. */
  memoryAt100k: number;
  memoryAt1m: number;
  /** Idle connections that fit in `memoryBudget` bytes (memory alone: no traffic, no CPU). */
  connectionsPerServer: number;
  /** Servers `users` need at that many each, and at the article's 100K and 1M each. */
  serversNeeded: number;
  serversAtArticle: { at100k: number; at1m: number };
  users: number;
}

/**
 * Projects a measured memory per idle connection: `memoryBudget` is the server memory given
 * to connections (the page says which share of which machine it assumed).
 */
export function projectConnections(
  bytesPerConnection: number,
  memoryBudget: number,
  users: number = ARTICLE_USERS,
): ConnectionProjection {
  if (!(bytesPerConnection > 0) || !(memoryBudget > 0) || !(users > 0)) {
    throw new RangeError(
      'a projection needs a positive cost per connection, budget and user count',
    );
  }
  const connectionsPerServer = Math.floor(memoryBudget / bytesPerConnection);
  return {
    bytesPerConnection,
    memoryAt100k: bytesPerConnection * 100_000,
    memoryAt1m: bytesPerConnection * 1_000_000,
    connectionsPerServer,
    serversNeeded: connectionsPerServer > 0 ? Math.ceil(users / connectionsPerServer) : Infinity,
    serversAtArticle: {
      at100k: Math.ceil(users / ARTICLE_CONNECTIONS_PER_SERVER.min),
      at1m: Math.ceil(users / ARTICLE_CONNECTIONS_PER_SERVER.max),
    },
    users,
  };
}

/**
 * Short polling at scale: `users` polling every `intervalMs` make users / interval requests a
 * second (the article's 1M every 2 s = 500K/s); at a measured `requestsPerSecond` per server,
 * that many servers just to answer the polls.
 */
export function projectPolling(
  users: number,
  intervalMs: number,
  requestsPerSecond: number,
): { requestsPerSecond: number; servers: number } {
  if (!(users > 0) || !(intervalMs > 0) || !(requestsPerSecond > 0)) {
    throw new RangeError('a polling projection needs positive users, interval and request rate');
  }
  const rate = users / (intervalMs / 1000);
  return { requestsPerSecond: rate, servers: Math.ceil(rate / requestsPerSecond) };
}
