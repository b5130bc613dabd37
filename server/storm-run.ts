import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  type BackoffPolicy,
  type StormResult,
  type StormRun,
  type StormSettings,
  backoffDelay,
  labError,
  seededRandom,
} from '../src/core';
import { binArrivals, busiestWindow } from './storm-histogram';
import { STORM_LIMITS } from './storm-schemas';

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
 * 100 ms. Both runs happen in a worker thread (storm-worker.ts), so the bursts of hundreds of
 * connections never stall the lab's own event loop, and each run is cut at
 * `STORM_LIMITS.runLimitMs` whatever happens, with every socket closed.
 */

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

function httpAnswer(status: string, body: string): string {
  return (
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/** What the restarted server answers while it is still coming up, and once it is up. */
const DOWN_ANSWER = httpAnswer(
  '503 Service Unavailable',
  JSON.stringify(labError('UNAVAILABLE').toBody()),
);
const UP_ANSWER = httpAnswer('200 OK', '{"ok":true}');

/** What the restarted server saw: every request's arrival (ms after the restart) and how many it refused. */
interface Tally {
  arrivals: number[];
  refused: number;
}

/** The listener that plays the restarted server, and what it has seen so far. */
interface RestartedServer {
  port: number;
  tally: Tally;
  /** Destroys every socket it still holds and stops listening. */
  close(): Promise<void>;
}

/**
 * Reads one request's head on a connection accepted at `at` (ms after the
 * restart), then answers 503 before `downForMs` and 200 from then on.
 */
function answerOnce(socket: Socket, at: number, downForMs: number, tally: Tally): void {
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
    tally.arrivals.push(at);
    const up = at >= downForMs;
    if (!up) tally.refused += 1;
    socket.end(up ? UP_ANSWER : DOWN_ANSWER);
  };
  socket.on('data', onData);
}

/**
 * Opens the restarted server on 127.0.0.1, port 0. It speaks just enough
 * HTTP/1.1 by hand (Node's HTTP server costs twice the CPU per connection,
 * which would smear a burst it is meant to show). Every request comes on a
 * connection of its own and is stamped when the listener accepts that connection.
 */
async function listenAsRestartedServer(
  downForMs: number,
  since: () => number,
): Promise<RestartedServer> {
  const tally: Tally = { arrivals: [], refused: 0 };
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    const at = since();
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    answerOnce(socket, at, downForMs, tally);
  });
  // A backlog deep enough for every client at once (the kernel caps it at somaxconn).
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, backlog: 2 * STORM_LIMITS.maxClients }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    tally,
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * One attempt: a new TCP connection that sends `request` and reads the status
 * of the answer. `onGone` gets the status (undefined when none came) once the
 * socket is closed, which the listener does after its answer.
 */
function sendReconnect(
  port: number,
  request: string,
  onGone: (status: string | undefined) => void,
): Socket {
  let head = '';
  let status: string | undefined;
  const socket = connect({ host: '127.0.0.1', port, noDelay: true });
  socket.setEncoding('latin1');
  socket.once('connect', () => socket.write(request));
  socket.on('data', (chunk: string) => {
    if (status !== undefined) return;
    head += chunk;
    status = STATUS_LINE.exec(head)?.[1];
  });
  socket.on('error', () => {});
  socket.once('close', () => onGone(status));
  return socket;
}

/** Every client of one run and what they went through. */
interface Crowd {
  clients: Client[];
  /** When each connected client got its 200, in ms after the restart. */
  connectedAt: number[];
  /** Attempts that got no answer at all. */
  failed: number;
  /** The most a timer fired after its planned moment. */
  lateMs: number;
  /** Resolves once every client is connected. */
  allConnected: Promise<void>;
}

/**
 * Starts `settings.clients` clients at once, as just after a restart: client i
 * attempts after `backoffDelay(0)` and, each time it is refused, again after
 * `backoffDelay(attempt + 1)`, until it gets a 200.
 */
function startCrowd(
  settings: StormSettings,
  policy: BackoffPolicy,
  port: number,
  since: () => number,
): Crowd {
  const request = `GET /reconnect HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`;
  let finish: () => void = () => {};
  const crowd: Crowd = {
    clients: [],
    connectedAt: [],
    failed: 0,
    lateMs: 0,
    allConnected: new Promise<void>((resolve) => (finish = resolve)),
  };
  const schedule = (client: Client, wait: number) => {
    client.state = 'waiting';
    client.dueAt = since() + wait;
    client.timer = setTimeout(() => attempt(client), wait);
  };
  const attempt = (client: Client) => {
    client.timer = undefined;
    crowd.lateMs = Math.max(crowd.lateMs, since() - client.dueAt);
    if (client.state !== 'waiting') return;
    client.state = 'connecting';
    // The next step starts once the socket is gone.
    client.socket = sendReconnect(port, request, (status) => {
      client.socket = undefined;
      if (client.state !== 'connecting') return;
      if (status === '200') {
        client.state = 'connected';
        crowd.connectedAt.push(since());
        if (crowd.connectedAt.length === crowd.clients.length) finish();
        return;
      }
      if (status === undefined) crowd.failed += 1;
      client.attempt += 1;
      schedule(client, backoffDelay(client.attempt, policy, client.random));
    });
  };
  for (let i = 0; i < settings.clients; i++) {
    const client: Client = {
      state: 'waiting',
      attempt: 0,
      random: clientRandom(settings.seed, i),
      timer: undefined,
      socket: undefined,
      dueAt: 0,
    };
    crowd.clients.push(client);
    schedule(client, backoffDelay(0, policy, client.random));
  }
  return crowd;
}

/** Waits until every client is connected or `limitMs` has passed; whether the limit cut it. */
async function awaitCrowd(crowd: Crowd, limitMs: number): Promise<boolean> {
  let timedOut = false;
  let limit: ReturnType<typeof setTimeout> | undefined;
  const cut = new Promise<void>((resolve) => {
    limit = setTimeout(() => {
      timedOut = true;
      resolve();
    }, limitMs);
  });
  await Promise.race([crowd.allConnected, cut]);
  clearTimeout(limit);
  return timedOut;
}

/** Stops every client that is not connected yet and closes every socket they hold. */
function stopCrowd(crowd: Crowd): void {
  for (const client of crowd.clients) {
    if (client.timer !== undefined) clearTimeout(client.timer);
    if (client.state !== 'connected') client.state = 'stopped';
    client.socket?.destroy();
  }
}

/** One run's answer from what the listener and the clients saw. */
function summarizeRun(
  jitter: boolean,
  tally: Tally,
  crowd: Crowd,
  timedOut: boolean,
  durationMs: number,
): StormRun {
  const arrivals = [...tally.arrivals].sort((a, b) => a - b);
  const peak = busiestWindow(arrivals, STORM_LIMITS.binMs);
  const connectedAt = crowd.connectedAt;
  return {
    jitter,
    arrivalsPer100ms: binArrivals(arrivals, STORM_LIMITS.binMs),
    peakPer100ms: peak.count,
    peakAtMs: Math.floor(peak.startMs),
    requests: arrivals.length,
    refused: tally.refused,
    failed: crowd.failed,
    connected: connectedAt.length,
    lastConnectedMs: connectedAt.length > 0 ? Math.round(Math.max(...connectedAt)) : null,
    maxAttempts: crowd.clients.reduce((most, c) => Math.max(most, c.attempt + 1), 0),
    durationMs: Math.round(durationMs),
    timedOut,
    lateMs: Math.round(crowd.lateMs),
  };
}

/**
 * Runs one storm in this thread: a fresh listener, `settings.clients`
 * clients, jitter as given; resolves once every client is connected or
 * `limitMs` has passed, with every socket and the listener closed.
 */
export async function runStorm(
  settings: StormSettings,
  jitter: boolean,
  limitMs: number = STORM_LIMITS.runLimitMs,
): Promise<StormRun> {
  const policy: BackoffPolicy = { baseMs: settings.baseMs, capMs: settings.capMs, jitter };
  // Run times are the storm's own: performance.now() from the restart, not the lab's clock.
  let t0 = performance.now();
  const since = () => performance.now() - t0;
  const server = await listenAsRestartedServer(settings.downForMs, since);
  t0 = performance.now();
  const crowd = startCrowd(settings, policy, server.port, since);
  const timedOut = await awaitCrowd(crowd, limitMs);
  stopCrowd(crowd);
  await server.close();
  return summarizeRun(jitter, server.tally, crowd, timedOut, since());
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
