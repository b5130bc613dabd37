import { Type } from 'typebox';
import { BACKOFF_RANGES, DEFAULT_BACKOFF } from '../src/core';

/** The storm's bounds and defaults, and the bodies of `POST /api/storm` (protocol.md). */
export const STORM_LIMITS = {
  minClients: 200,
  maxClients: 1000,
  maxDownForMs: 10_000,
  /** Waits beyond the run's limit cannot be seen, so the cap stops there. */
  maxCapMs: 30_000,
  /** The hard bound of one run (jitter off or on), from the restart to the last socket closed. */
  runLimitMs: 30_000,
  /** The width of a histogram bin. */
  binMs: 100,
} as const;

export const STORM_DEFAULTS = {
  clients: 300,
  baseMs: 1000,
  capMs: DEFAULT_BACKOFF.capMs,
  downForMs: 2000,
  seed: 1,
} as const;

export const StormBody = Type.Object(
  {
    clients: Type.Optional(
      Type.Integer({ minimum: STORM_LIMITS.minClients, maximum: STORM_LIMITS.maxClients }),
    ),
    baseMs: Type.Optional(
      Type.Integer({ minimum: BACKOFF_RANGES.baseMs.min, maximum: BACKOFF_RANGES.baseMs.max }),
    ),
    capMs: Type.Optional(
      Type.Integer({ minimum: BACKOFF_RANGES.capMs.min, maximum: STORM_LIMITS.maxCapMs }),
    ),
    downForMs: Type.Optional(Type.Integer({ minimum: 0, maximum: STORM_LIMITS.maxDownForMs })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffff_ffff })),
  },
  { additionalProperties: false },
);

export const StormRunSchema = Type.Object({
  jitter: Type.Boolean(),
  arrivalsPer100ms: Type.Array(Type.Integer()),
  peakPer100ms: Type.Integer(),
  peakAtMs: Type.Integer(),
  requests: Type.Integer(),
  refused: Type.Integer(),
  failed: Type.Integer(),
  connected: Type.Integer(),
  lastConnectedMs: Type.Union([Type.Number(), Type.Null()]),
  maxAttempts: Type.Integer(),
  durationMs: Type.Number(),
  timedOut: Type.Boolean(),
  lateMs: Type.Number(),
});

export const StormResponse = Type.Object({
  clients: Type.Integer(),
  baseMs: Type.Integer(),
  capMs: Type.Integer(),
  downForMs: Type.Integer(),
  seed: Type.Integer(),
  binMs: Type.Integer(),
  runLimitMs: Type.Integer(),
  runs: Type.Array(StormRunSchema),
});
