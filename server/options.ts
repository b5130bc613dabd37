import {
  DEFAULT_BODY_LIMIT,
  DEFAULT_HISTORY_LIMITS,
  DEFAULT_STORE_LIMITS,
  type HistoryLimits,
  type StoreLimits,
} from '../src/core';
import type { Broker } from './broker/broker';

/** The knobs a technique uses when the request does not say (protocol.md, "Knobs"). */
export interface KnobDefaults {
  longPollTimeoutMs: number;
  sseRetryMs: number;
  sseHeartbeatMs: number;
  wsHeartbeatMs: number;
}

/**
 * Hardening limits (protocol.md, "Limits"). The defaults leave room for the lab
 * itself: everything runs from 127.0.0.1, compare mode holds a few dozen
 * connections, and a reconnection storm of 1000 simulated clients fits twice.
 */
export interface LimitOptions {
  /** Open channel connections (held polls, streams, sockets, requests in flight) per client address. */
  maxConnectionsPerAddress: number;
  /** The same, over all addresses. */
  maxConnectionsTotal: number;
  /** Publishes a second each client may make, sustained (token bucket refill rate). */
  publishRatePerSecond: number;
  /** Publishes a client may make at once (token bucket size). */
  publishBurst: number;
  /** Publishes a second one address may make, all its clients (labels) together, sustained. */
  publishRatePerAddress: number;
  /** Publishes one address may make at once, all its clients together. */
  publishBurstPerAddress: number;
  /** Channels held at most (a new one past it: 503 RL_ERR_TOO_MANY_CHANNELS). */
  maxChannels: number;
  /** Bytes of history over all channels; past it the oldest messages go first. */
  maxHistoryBytes: number;
  /** A channel with no message and no listener is forgotten after this long unused, ms. */
  idleChannelMs: number;
  /** An idle keep-alive connection is closed after this long, ms (0: never). */
  keepAliveTimeoutMs: number;
  /** The request head must arrive within this long, ms (408 after; 0: no limit). */
  headersTimeoutMs: number;
  /** The whole request (head and body) must arrive within this long, ms (408 after; 0: no limit). */
  requestTimeoutMs: number;
  /** Largest request head (request line and headers), bytes (431 over it). */
  maxHeaderSize: number;
  /** Bytes that may wait to be written to one SSE stream or WebSocket (a slow consumer is cut past it). */
  maxQueuedBytes: number;
}

export const DEFAULT_LIMITS: LimitOptions = {
  maxConnectionsPerAddress: 2_000,
  maxConnectionsTotal: 5_000,
  publishRatePerSecond: 50,
  publishBurst: 100,
  // Twice a client's: room for a few of the lab's own senders on 127.0.0.1 (the page's auto-send is
  // at most 10/s; schedules, compare and storm publish inside the server), but 500 new labels in a
  // burst from one address get about 200 through, not 500.
  publishRatePerAddress: 100,
  publishBurstPerAddress: 200,
  // A flood of channel names or messages stops here instead of growing the heap.
  maxChannels: DEFAULT_STORE_LIMITS.maxChannels,
  maxHistoryBytes: DEFAULT_STORE_LIMITS.maxHistoryBytes,
  idleChannelMs: DEFAULT_STORE_LIMITS.idleChannelMs,
  // Fastify's own default, kept: longer than a browser's gap between polls.
  keepAliveTimeoutMs: 72_000,
  // Long enough to type a request by hand into `nc`, short enough that a silent socket goes.
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 60_000,
  // Node's default.
  maxHeaderSize: 16_384,
  // 1 MiB: some 70 messages of the largest size the lab takes, far more than a reading client lags.
  maxQueuedBytes: 1_048_576,
};

/** Each limit's environment variable (server/main.ts reads them; README lists them). */
export const LIMIT_ENV: Record<keyof LimitOptions, string> = {
  maxConnectionsPerAddress: 'LAB_MAX_CONN_PER_ADDRESS',
  maxConnectionsTotal: 'LAB_MAX_CONN_TOTAL',
  publishRatePerSecond: 'LAB_PUBLISH_RATE',
  publishBurst: 'LAB_PUBLISH_BURST',
  publishRatePerAddress: 'LAB_PUBLISH_RATE_PER_ADDRESS',
  publishBurstPerAddress: 'LAB_PUBLISH_BURST_PER_ADDRESS',
  maxChannels: 'LAB_MAX_CHANNELS',
  maxHistoryBytes: 'LAB_MAX_HISTORY_BYTES',
  idleChannelMs: 'LAB_IDLE_CHANNEL_MS',
  keepAliveTimeoutMs: 'LAB_KEEP_ALIVE_TIMEOUT_MS',
  headersTimeoutMs: 'LAB_HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'LAB_REQUEST_TIMEOUT_MS',
  maxHeaderSize: 'LAB_MAX_HEADER_SIZE',
  maxQueuedBytes: 'LAB_MAX_QUEUED_BYTES',
};

/** The limits that may be fractions (a rate); every other one is a whole number. */
const FRACTIONAL_LIMITS = new Set<keyof LimitOptions>([
  'publishRatePerSecond',
  'publishRatePerAddress',
]);

/** The smallest value each limit takes; every one is a whole number but the publish rates. */
const LIMIT_MIN: Record<keyof LimitOptions, number> = {
  maxConnectionsPerAddress: 1,
  maxConnectionsTotal: 1,
  publishRatePerSecond: Number.MIN_VALUE,
  publishBurst: 1,
  publishRatePerAddress: Number.MIN_VALUE,
  publishBurstPerAddress: 1,
  maxChannels: 1,
  maxHistoryBytes: 1,
  idleChannelMs: 1,
  keepAliveTimeoutMs: 0,
  headersTimeoutMs: 0,
  requestTimeoutMs: 0,
  maxHeaderSize: 1_024,
  maxQueuedBytes: 1_024,
};

/**
 * Checks a full set of limits; throws a sentence naming the first wrong one,
 * as `name` calls it (the option by default, the environment variable for main.ts).
 */
export function checkLimits(
  limits: LimitOptions,
  name: (key: keyof LimitOptions) => string = (key) => `limit ${key}`,
): LimitOptions {
  for (const key of Object.keys(LIMIT_MIN) as (keyof LimitOptions)[]) {
    const value = limits[key];
    const whole = !FRACTIONAL_LIMITS.has(key);
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < LIMIT_MIN[key] ||
      (whole && !Number.isInteger(value))
    ) {
      const expected = whole
        ? `a whole number ≥ ${LIMIT_MIN[key]}`
        : 'a number of publishes a second > 0';
      throw new RangeError(`${name(key)} must be ${expected}, got ${String(value)}`);
    }
  }
  const { headersTimeoutMs, requestTimeoutMs } = limits;
  if (requestTimeoutMs > 0 && (headersTimeoutMs === 0 || headersTimeoutMs > requestTimeoutMs)) {
    throw new RangeError(
      `${name('headersTimeoutMs')} (${headersTimeoutMs}) must be from 1 to ${name('requestTimeoutMs')} (${requestTimeoutMs}): the head is part of the request`,
    );
  }
  return limits;
}

/**
 * Reads the limits set in the environment (`LAB_MAX_CONN_PER_ADDRESS`, …);
 * unset or empty variables keep the default. A value that is not a number,
 * or out of its range, throws a sentence naming the variable.
 */
export function limitsFromEnv(env: Record<string, string | undefined>): Partial<LimitOptions> {
  const limits: Partial<LimitOptions> = {};
  for (const [key, name] of Object.entries(LIMIT_ENV) as [keyof LimitOptions, string][]) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(value)) {
      throw new RangeError(`${name} must be a number ≥ 0, got ${JSON.stringify(raw)}`);
    }
    limits[key] = value;
  }
  checkLimits({ ...DEFAULT_LIMITS, ...limits }, (key) => LIMIT_ENV[key]);
  return limits;
}

/**
 * The dev server's origins (Vite on 5173). Trusted only under `npm run dev`
 * (`devOrigins`, from `LAB_DEV=1`, which scripts/dev.ts sets for its API server):
 * under `npm start` no dev server runs, and any other project on Vite's default
 * port would otherwise read the observer and drive the faults.
 */
export const DEV_ORIGINS: readonly string[] = ['http://127.0.0.1:5173', 'http://localhost:5173'];

export interface ServerOptions {
  history: HistoryLimits;
  /** Largest HTTP body or WebSocket frame, bytes. */
  bodyLimit: number;
  knobs: KnobDefaults;
  /** Host names accepted besides the loopback ones (DNS-rebinding defence). */
  allowedHosts: string[];
  /**
   * Origins trusted besides the app's own (WebSocket upgrades, the lanes' CORS,
   * state-changing routes): the configured ones (`ALLOWED_ORIGINS`) and, when
   * `devOrigins` is on, the dev server's (DEV_ORIGINS), resolved into this list.
   */
  allowedOrigins: string[];
  /** Whether the dev server's origins are trusted: only under `npm run dev` (`LAB_DEV=1`). */
  devOrigins: boolean;
  /** Directory of the built app; served when it exists. */
  staticDir: string | null;
  /** Where `npm run bench:load` writes its results (`GET /api/load/results` reads the newest). */
  loadResultsDir: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Wall clock in ms since the epoch (publishedAt, fault windows); injectable for tests. */
  now: () => number;
  /** The name the server uses as its actor on the observer stream. */
  serverName: string;
  /** Connection caps, publish rate, timeouts and header size (protocol.md, "Limits"). */
  limits: LimitOptions;
  /**
   * The broker this server publishes and receives through, shared with other
   * gateways; null: the lab makes its own memory broker (and closes it with the app).
   */
  broker: Broker | null;
}

export const DEFAULT_KNOBS: KnobDefaults = {
  longPollTimeoutMs: 30_000,
  sseRetryMs: 3_000,
  sseHeartbeatMs: 15_000,
  wsHeartbeatMs: 30_000,
};

/** The knob ranges live in src/core, shared with the playground's checks. */
export { KNOB_RANGES } from '../src/core';

/** What callers pass: any option may be left out, and so may any single limit. */
export type ServerOptionsInput = Omit<Partial<ServerOptions>, 'limits'> & {
  limits?: Partial<LimitOptions>;
};

/** The configured origins, and the dev server's when they are trusted (once each). */
function trustedOrigins(configured: readonly string[], devOrigins: boolean): string[] {
  const origins = [...configured];
  if (devOrigins) {
    for (const dev of DEV_ORIGINS) if (!origins.includes(dev)) origins.push(dev);
  }
  return origins;
}

/** The bounds on the channel store that the limits carry. */
export function storeLimits(limits: LimitOptions): StoreLimits {
  const { maxChannels, maxHistoryBytes, idleChannelMs } = limits;
  return { maxChannels, maxHistoryBytes, idleChannelMs };
}

export function resolveOptions(options: ServerOptionsInput = {}): ServerOptions {
  return {
    history: { ...DEFAULT_HISTORY_LIMITS, ...options.history },
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    knobs: { ...DEFAULT_KNOBS, ...options.knobs },
    allowedHosts: options.allowedHosts ?? [],
    allowedOrigins: trustedOrigins(options.allowedOrigins ?? [], options.devOrigins ?? false),
    devOrigins: options.devOrigins ?? false,
    staticDir: options.staticDir ?? null,
    loadResultsDir: options.loadResultsDir ?? null,
    logLevel: options.logLevel ?? 'silent',
    now: options.now ?? Date.now,
    serverName: options.serverName ?? 'server-1',
    limits: checkLimits({ ...DEFAULT_LIMITS, ...options.limits }),
    broker: options.broker ?? null,
  };
}
