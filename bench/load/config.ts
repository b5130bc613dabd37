/**
 * How a load-lab run is set up, from the environment (`LOAD_*`, README "Load lab") or
 * from the tiny test. Every step is bounded in count and in time.
 */

export interface LoadConfig {
  /** The N of the memory and fan-out steps, ascending (`LOAD_CLIENTS=1000,5000`). */
  clients: number[];
  /** Client processes the connections are spread over (`LOAD_CLIENT_PROCESSES`). */
  clientProcesses: number;
  /** Loopback source addresses 127.0.0.2 … (`LOAD_ADDRESSES`). */
  sourceAddresses: number;
  /** A step that has not opened its N within this long stops its technique (`LOAD_STEP_MS`). */
  stepTimeoutMs: number;
  /** Publishes fanned out at each N (`LOAD_PUBLISHES`). */
  fanOutPublishes: number;
  /** How long a publish's deliveries are waited for, ms. */
  fanOutWaitMs: number;
  /** autocannon's connections and seconds for the short-poll rates (`LOAD_RATE_SECONDS`). */
  rateConnections: number;
  rateSeconds: number;
  /** A first autocannon run, discarded, so that each server is warm (0: none). */
  rateWarmupSeconds: number;
  /** After the server has accepted a step's connections, how long their set-up is given, ms. */
  settleMs: number;
  /** WebSocket receivers of the throughput search (`LOAD_THROUGHPUT_RECEIVERS`). */
  throughputReceivers: number;
  /** How long each rate is held, ms (`LOAD_THROUGHPUT_STEP_MS`). */
  throughputStepMs: number;
  throughputFirstRate: number;
  throughputMaxRate: number;
  throughputMaxSteps: number;
  /** The Scaling-lab figures' WebSocket receivers: the smallest N, at most this many. */
  crossGatewayMaxReceivers: number;
  /** Whether the Scaling-lab figures include delivery through Redis (false: memory broker only). */
  crossGatewayRedis: boolean;
  /** p99 budget for fan-out and throughput, ms. */
  budgetMs: number;
  /** Where `load-<date>.json` goes (`LOAD_OUT`; empty: not written). */
  outDir: string | null;
  /**
   * One server process per subject for all its techniques, in turn, instead of one per
   * technique (targets.ts, `processOf`): the live run's, to start fewer processes.
   */
  shareServerProcesses: boolean;
}

export const DEFAULT_CONFIG: LoadConfig = {
  clients: [1_000, 5_000, 10_000],
  clientProcesses: 2,
  sourceAddresses: 16,
  stepTimeoutMs: 60_000,
  fanOutPublishes: 5,
  fanOutWaitMs: 5_000,
  rateConnections: 50,
  rateSeconds: 5,
  rateWarmupSeconds: 1,
  settleMs: 500,
  throughputReceivers: 1_000,
  throughputStepMs: 2_000,
  throughputFirstRate: 25,
  throughputMaxRate: 20_000,
  throughputMaxSteps: 10,
  crossGatewayMaxReceivers: 1_000,
  crossGatewayRedis: true,
  budgetMs: 100,
  outDir: 'bench/results',
  shareServerProcesses: false,
};

/**
 * The lab's live run (`POST /api/load/run`, from the Lessons screen): `clients` connections per
 * technique (one N), on one client process and one server process per subject, one publish
 * fanned out, one second per short-poll figure, a short throughput search; never written to
 * a file. The run is bounded in time besides (harness.ts, `budget`): what does not fit is skipped.
 */
export function liveConfig(clients: number): LoadConfig {
  return {
    ...DEFAULT_CONFIG,
    clients: [clients],
    clientProcesses: 1,
    sourceAddresses: 4,
    stepTimeoutMs: 8_000,
    fanOutPublishes: 1,
    fanOutWaitMs: 2_000,
    rateSeconds: 1,
    rateWarmupSeconds: 0,
    settleMs: 100,
    throughputReceivers: clients,
    throughputStepMs: 250,
    throughputMaxSteps: 3,
    outDir: null,
    shareServerProcesses: true,
    // The Scaling lab's step rarely fits in 20 s; a Redis started for it would be wasted.
    crossGatewayRedis: false,
  };
}

function whole(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/** `1000,5000` → [1000, 5000]: ascending, distinct, each 1–100,000. */
export function parseClients(raw: string): number[] {
  const values = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => whole('LOAD_CLIENTS', part, 1, 100_000));
  if (values.length === 0) throw new RangeError('LOAD_CLIENTS names no N');
  return [...new Set(values)].sort((a, b) => a - b);
}

/** The Scaling-lab figures' receivers: the run's smallest N, capped (so the section stays short). */
export function crossGatewayReceivers(
  config: Pick<LoadConfig, 'clients' | 'crossGatewayMaxReceivers'>,
): number {
  return Math.min(Math.min(...config.clients), config.crossGatewayMaxReceivers);
}

const WHOLE_ENV = {
  LOAD_CLIENT_PROCESSES: ['clientProcesses', 1, 16],
  LOAD_ADDRESSES: ['sourceAddresses', 1, 250],
  LOAD_STEP_MS: ['stepTimeoutMs', 1_000, 600_000],
  LOAD_PUBLISHES: ['fanOutPublishes', 1, 100],
  LOAD_RATE_SECONDS: ['rateSeconds', 1, 120],
  LOAD_THROUGHPUT_RECEIVERS: ['throughputReceivers', 1, 100_000],
  LOAD_THROUGHPUT_STEP_MS: ['throughputStepMs', 200, 60_000],
} as const satisfies Record<string, [keyof LoadConfig, number, number]>;

/** The run's set-up from `env` over the defaults; throws a sentence naming a bad variable. */
export function configFromEnv(
  env: Record<string, string | undefined>,
  base: LoadConfig = DEFAULT_CONFIG,
): LoadConfig {
  const config: LoadConfig = { ...base };
  if (env.LOAD_CLIENTS) config.clients = parseClients(env.LOAD_CLIENTS);
  for (const [name, [key, min, max]] of Object.entries(WHOLE_ENV)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') (config[key] as number) = whole(name, raw, min, max);
  }
  if (env.LOAD_OUT !== undefined) config.outDir = env.LOAD_OUT === '' ? null : env.LOAD_OUT;
  return config;
}
