import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  type StormResult,
  type StormRun,
  type StormSettings,
  BACKOFF_RANGES,
  DEFAULT_BACKOFF,
  ERROR_CODES,
  LabError,
  backoffDelay,
  seededRandom,
  type BackoffPolicy,
} from '../src/core';
import { ErrorResponse } from './schemas';

/**
 * The reconnection-storm lesson (`POST /api/storm`): a server restarts, and
 * every client it had reconnects with exponential backoff — first without
 * jitter, then with full jitter — for real, over loopback sockets.
 *
 * Each run opens a listener of its own on 127.0.0.1, port 0 (never the lab's
 * port), that plays the server just after a restart: it answers 503 until
 * `downForMs` has passed, then 200. At t = 0 all `clients` have just lost
 * their connection; client i opens a new TCP connection after
 * `backoffDelay(0)`, sends one HTTP request, and when it is refused waits
 * `backoffDelay(attempt + 1)` before the next one, until it gets a 200. The
 * listener stamps every request with the moment it accepted the connection
 * that carries it; the answer counts them per 100 ms and finds the busiest
 * 100 ms. Both runs happen in a worker thread, so the bursts of hundreds of
 * connections never stall the lab's own event loop, and each run is cut at
 * `STORM_LIMITS.runLimitMs` whatever happens, with every socket closed.
 */

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

const StormRunSchema = Type.Object({
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

const StormResponse = Type.Object({
  clients: Type.Integer(),
  baseMs: Type.Integer(),
  capMs: Type.Integer(),
  downForMs: Type.Integer(),
  seed: Type.Integer(),
  binMs: Type.Integer(),
  runLimitMs: Type.Integer(),
  runs: Type.Array(StormRunSchema),
});

/** Client i's own random stream: its waits do not depend on the order in which answers come back. */
function clientRandom(seed: number, client: number): () => number {
  return seededRandom((seed + Math.imul(client + 1, 0x9e3779b9)) >>> 0);
}

/** The first line of an HTTP answer, e.g. `HTTP/1.1 503 Service Unavailable`. */
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})/;

/**
 * A simulated client's life: `waiting` for its next attempt, `connecting`
 * (a socket is open and its request is out), `connected` (it got its 200),
 * or `stopped` by the time limit.
 */
type ClientState = 'waiting' | 'connecting' | 'connected' | 'stopped';

interface Client {
  state: ClientState;
  attempt: number;
  random: () => number;
  timer: ReturnType<typeof setTimeout> | undefined;
  socket: Socket | undefined;
  /** When the next attempt is planned, in ms after the restart. */
  dueAt: number;
}

/** Counts times (ms) into `binMs` bins from 0 up to the last one. */
export function binArrivals(times: readonly number[], binMs: number): number[] {
  if (times.length === 0) return [];
  const bins = new Array<number>(Math.floor(Math.max(...times) / binMs) + 1).fill(0);
  for (const t of times) {
    const i = Math.floor(Math.max(0, t) / binMs);
    bins[i] = (bins[i] ?? 0) + 1;
  }
  return bins;
}

/**
 * The most times (ms, ascending) that fall within any window of `windowMs`,
 * and where the first such window starts.
 */
export function busiestWindow(
  times: readonly number[],
  windowMs: number,
): { count: number; startMs: number } {
  let best = { count: 0, startMs: 0 };
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while ((times[last] ?? 0) - (times[first] ?? 0) >= windowMs) first += 1;
    const count = last - first + 1;
    if (count > best.count) best = { count, startMs: times[first] ?? 0 };
  }
  return best;
}

function httpAnswer(status: string, body: string): string {
  return (
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/** What the restarted server answers while it is still coming up, and once it is up. */
const DOWN_ANSWER = httpAnswer(
  '503 Service Unavailable',
  '{"error":"the server is restarting","code":"RL_ERR_UNAVAILABLE"}',
);
const UP_ANSWER = httpAnswer('200 OK', '{"ok":true}');

/**
 * Runs one storm in this thread: a fresh listener, `settings.clients`
 * clients, jitter as given; resolves once every client is connected or
 * `limitMs` has passed, with every socket and the listener closed.
 */
// eslint-disable-next-line max-lines-per-function -- split on branch house/server
export async function runStorm(
  settings: StormSettings,
  jitter: boolean,
  limitMs: number = STORM_LIMITS.runLimitMs,
): Promise<StormRun> {
  const policy: BackoffPolicy = { baseMs: settings.baseMs, capMs: settings.capMs, jitter };
  const arrivals: number[] = [];
  let refused = 0;
  let t0 = performance.now();
  const since = () => performance.now() - t0;

  // The listener speaks just enough HTTP/1.1 by hand (Node's HTTP server costs twice the CPU per
  // connection, which would smear a burst it is meant to show). Every request comes on a
  // connection of its own and is stamped when the listener accepts that connection.
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    const at = since();
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => {});
    socket.setEncoding('latin1');
    let head = '';
    const onData = (chunk: string) => {
      head += chunk;
      if (!head.includes('\r\n\r\n')) {
        if (head.length > 8192) socket.destroy();
        return;
      }
      socket.off('data', onData);
      arrivals.push(at);
      const up = at >= settings.downForMs;
      if (!up) refused += 1;
      socket.end(up ? UP_ANSWER : DOWN_ANSWER);
    };
    socket.on('data', onData);
  });
  // A backlog deep enough for every client at once (the kernel caps it at somaxconn).
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, backlog: 2 * STORM_LIMITS.maxClients }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const request = `GET /reconnect HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`;

  const clients: Client[] = [];
  const connectedAt: number[] = [];
  let failed = 0;
  let timedOut = false;
  let lateMs = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const schedule = (client: Client, wait: number) => {
    client.state = 'waiting';
    client.dueAt = since() + wait;
    client.timer = setTimeout(() => attempt(client), wait);
  };
  const attempt = (client: Client) => {
    client.timer = undefined;
    lateMs = Math.max(lateMs, since() - client.dueAt);
    if (client.state !== 'waiting') return;
    client.state = 'connecting';
    let head = '';
    let status: string | undefined;
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    client.socket = socket;
    socket.setEncoding('latin1');
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: string) => {
      if (status !== undefined) return;
      head += chunk;
      status = STATUS_LINE.exec(head)?.[1];
    });
    socket.on('error', () => {});
    // The listener closes after its answer; the next step starts once the socket is gone.
    socket.once('close', () => {
      client.socket = undefined;
      if (client.state !== 'connecting') return;
      if (status === '200') {
        client.state = 'connected';
        connectedAt.push(since());
        if (connectedAt.length === clients.length) finish();
        return;
      }
      if (status === undefined) failed += 1;
      client.attempt += 1;
      schedule(client, backoffDelay(client.attempt, policy, client.random));
    });
  };

  t0 = performance.now();
  for (let i = 0; i < settings.clients; i++) {
    const client: Client = {
      state: 'waiting',
      attempt: 0,
      random: clientRandom(settings.seed, i),
      timer: undefined,
      socket: undefined,
      dueAt: 0,
    };
    clients.push(client);
    schedule(client, backoffDelay(0, policy, client.random));
  }
  const limit = setTimeout(() => {
    timedOut = true;
    finish();
  }, limitMs);
  await finished;
  clearTimeout(limit);

  for (const client of clients) {
    if (client.timer !== undefined) clearTimeout(client.timer);
    if (client.state !== 'connected') client.state = 'stopped';
    client.socket?.destroy();
  }
  for (const socket of open) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const durationMs = since();

  arrivals.sort((a, b) => a - b);
  const arrivalsPer100ms = binArrivals(arrivals, STORM_LIMITS.binMs);
  const peak = busiestWindow(arrivals, STORM_LIMITS.binMs);
  return {
    jitter,
    arrivalsPer100ms,
    peakPer100ms: peak.count,
    peakAtMs: Math.floor(peak.startMs),
    requests: arrivals.length,
    refused,
    failed,
    connected: connectedAt.length,
    lastConnectedMs: connectedAt.length > 0 ? Math.round(Math.max(...connectedAt)) : null,
    maxAttempts: clients.reduce((most, c) => Math.max(most, c.attempt + 1), 0),
    durationMs: Math.round(durationMs),
    timedOut,
    lateMs: Math.round(lateMs),
  };
}

/** Both runs, jitter off then on, in this thread. */
export async function runStorms(
  settings: StormSettings,
  limitMs: number = STORM_LIMITS.runLimitMs,
): Promise<StormResult> {
  const withoutJitter = await runStorm(settings, false, limitMs);
  const withJitter = await runStorm(settings, true, limitMs);
  return {
    ...settings,
    binMs: STORM_LIMITS.binMs,
    runLimitMs: limitMs,
    runs: [withoutJitter, withJitter],
  };
}

const WORKER_ROLE = 'realtime-lab-storm';

interface WorkerInput {
  role: typeof WORKER_ROLE;
  settings: StormSettings;
  limitMs: number;
  /** tsx's loader API, registered in the worker when this file is TypeScript. */
  tsxApi: string | null;
  entry: string;
}

/**
 * The worker's first code. Worker threads do not inherit tsx's loader
 * (`node --import tsx` registers it on the main thread only), so when this
 * file is TypeScript the worker registers tsx itself, then loads this file.
 */
const WORKER_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  await import(workerData.entry);
})();
`;

function tsxApiUrl(): string | null {
  if (!import.meta.url.endsWith('.ts')) return null;
  return import.meta.resolve('tsx/esm/api');
}

/**
 * Runs both storms in a worker thread and resolves with their result. The
 * worker is terminated (closing whatever it still holds) if it outlives both
 * runs' limits plus a margin, or when `signal` aborts.
 */
export function runStormsInWorker(
  settings: StormSettings,
  options: { limitMs?: number; signal?: AbortSignal } = {},
): Promise<StormResult> {
  const limitMs = options.limitMs ?? STORM_LIMITS.runLimitMs;
  const input: WorkerInput = {
    role: WORKER_ROLE,
    settings,
    limitMs,
    tsxApi: tsxApiUrl(),
    entry: import.meta.url,
  };
  return new Promise<StormResult>((resolve, reject) => {
    const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: input });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(hardStop);
      options.signal?.removeEventListener('abort', abort);
      outcome();
      void worker.terminate();
    };
    const hardStop = setTimeout(
      () => settle(() => reject(new Error('the storm worker outlived its time limit'))),
      2 * limitMs + 15_000,
    );
    const abort = () => settle(() => reject(new Error('the storm was stopped')));
    options.signal?.addEventListener('abort', abort);
    worker.once('message', (result: StormResult) => settle(() => resolve(result)));
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`the storm worker exited (${code}) without a result`))),
    );
  });
}

// Inside the storm worker: run, answer, and let the thread end.
if (!isMainThread && (workerData as Partial<WorkerInput> | null)?.role === WORKER_ROLE) {
  const input = workerData as WorkerInput;
  void runStorms(input.settings, input.limitMs).then((result) => parentPort?.postMessage(result));
}

/** `POST /api/storm`: both runs, one storm at a time per server. */
export const stormPlugin: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  let running: AbortController | null = null;
  app.addHook('onClose', async () => running?.abort());

  app.post(
    '/api/storm',
    { schema: { body: StormBody, response: { 200: StormResponse, '4xx': ErrorResponse } } },
    async (request) => {
      if (running) {
        throw new LabError(
          'a reconnection storm is already running: wait for its answer, then try again',
          ERROR_CODES.UNAVAILABLE,
          409,
        );
      }
      const settings: StormSettings = { ...STORM_DEFAULTS, ...request.body };
      const controller = new AbortController();
      running = controller;
      try {
        const result = await runStormsInWorker(settings, { signal: controller.signal });
        request.log.info(
          {
            clients: settings.clients,
            peaks: result.runs.map((run) => run.peakPer100ms),
            durations: result.runs.map((run) => run.durationMs),
          },
          'reconnection storm done',
        );
        return result;
      } finally {
        if (running === controller) running = null;
      }
    },
  );
};
