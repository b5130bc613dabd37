import { DEFAULT_BODY_LIMIT, DEFAULT_HISTORY_LIMITS, type HistoryLimits } from '../src/core';

/** The knobs a technique uses when the request does not say (protocol.md, "Knobs"). */
export interface KnobDefaults {
  longPollTimeoutMs: number;
  sseRetryMs: number;
  sseHeartbeatMs: number;
  wsHeartbeatMs: number;
}

export interface ServerOptions {
  history: HistoryLimits;
  /** Largest HTTP body or WebSocket frame, bytes. */
  bodyLimit: number;
  knobs: KnobDefaults;
  /** Host names accepted besides the loopback ones (DNS-rebinding defence). */
  allowedHosts: string[];
  /** WebSocket origins accepted besides the app's own and the dev server's. */
  allowedOrigins: string[];
  /** Directory of the built app; served when it exists. */
  staticDir: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Wall clock in ms since the epoch (publishedAt, fault windows); injectable for tests. */
  now: () => number;
  /** The name the server uses as its actor on the observer stream. */
  serverName: string;
}

export const DEFAULT_KNOBS: KnobDefaults = {
  longPollTimeoutMs: 30_000,
  sseRetryMs: 3_000,
  sseHeartbeatMs: 15_000,
  wsHeartbeatMs: 30_000,
};

/** The knob ranges live in src/core, shared with the playground's checks. */
export { KNOB_RANGES } from '../src/core';

export function resolveOptions(options: Partial<ServerOptions> = {}): ServerOptions {
  return {
    history: { ...DEFAULT_HISTORY_LIMITS, ...options.history },
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    knobs: { ...DEFAULT_KNOBS, ...options.knobs },
    allowedHosts: options.allowedHosts ?? [],
    allowedOrigins: options.allowedOrigins ?? [],
    staticDir: options.staticDir ?? null,
    logLevel: options.logLevel ?? 'silent',
    now: options.now ?? Date.now,
    serverName: options.serverName ?? 'server-1',
  };
}
