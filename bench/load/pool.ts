/**
 * The bench's side of its client processes: open N connections spread over them and over
 * the loopback source addresses, collect the latencies of a tag from all of them, close
 * everything; and the bench's own few HTTP requests (health, publish), each on a fresh
 * connection that closes after its answer.
 */
import { request as httpRequest } from 'node:http';
import type { LoadConfig } from './config';
import { mergeCounts, shares, type LatencyCounts } from './measure';
import type { Child } from './processes';
import type { ClientResults, ConnectionKind } from './protocol';

export class ClientPool {
  /** Connections each process holds now. */
  readonly open: number[];
  private offset = 0;

  constructor(
    readonly clients: Child[],
    private readonly addresses: string[],
    private readonly config: LoadConfig,
  ) {
    this.open = clients.map(() => 0);
  }

  get total(): number {
    return this.open.reduce((a, b) => a + b, 0);
  }

  /** Opens `count` more connections of `kind`, shared over the processes; what opened. */
  async add(
    kind: ConnectionKind,
    url: string,
    count: number,
    only?: number,
  ): Promise<{ opened: number; errors: string[] }> {
    const parts =
      only === undefined
        ? shares(count, this.clients.length)
        : this.clients.map((_, i) => (i === only ? count : 0));
    const results = await Promise.all(
      this.clients.map((client, i) => {
        const part = parts[i]!;
        if (part === 0) return Promise.resolve(undefined);
        const offset = this.offset;
        this.offset += part;
        return client.request<ClientResults['open']>(
          {
            op: 'open',
            kind,
            url,
            count: part,
            addresses: this.addresses,
            offset,
            concurrency: 100,
            timeoutMs: this.config.stepTimeoutMs,
          },
          this.config.stepTimeoutMs + 30_000,
        );
      }),
    );
    const errors: string[] = [];
    let opened = 0;
    results.forEach((r, i) => {
      if (!r) return;
      this.open[i] = r.open;
      opened += r.opened;
      errors.push(...r.errors);
    });
    return { opened, errors };
  }

  /** Every process's deliveries of `tag`, each waited for until it has `perConnection` × its connections. */
  async collect(
    tag: string,
    perConnection: number,
    waitMs: number,
  ): Promise<{ counts: LatencyCounts; received: number; expected: number }> {
    const results = await Promise.all(
      this.clients.map((client, i) =>
        client.request<ClientResults['collect']>(
          { op: 'collect', tag, expected: this.open[i]! * perConnection, waitMs },
          waitMs + 30_000,
        ),
      ),
    );
    return {
      counts: mergeCounts(results.map((r) => r.counts)),
      received: results.reduce((sum, r) => sum + r.received, 0),
      expected: this.total * perConnection,
    };
  }

  /** Closes every connection of every process; the TCP sockets each still has after (0s when clean). */
  async closeAll(): Promise<{ sockets: number[]; dropped: number }> {
    const results = await Promise.all(
      this.clients.map((client) =>
        client.request<ClientResults['close']>({ op: 'close', timeoutMs: 15_000 }, 45_000),
      ),
    );
    this.open.fill(0);
    return {
      sockets: results.map((r) => r.sockets),
      dropped: results.reduce((s, r) => s + r.dropped, 0),
    };
  }
}

export interface HttpAnswer {
  status: number;
  body: string;
  ms: number;
}

/** One request on its own connection (no keep-alive), timed on this process's clock. */
export function send(
  url: string,
  options: { method?: string; body?: object; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: options.method ?? 'GET',
      agent: false,
      headers:
        payload === undefined
          ? {}
          : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      timeout: options.timeoutMs ?? 10_000,
    });
    req.once('timeout', () =>
      req.destroy(new Error(`${url} did not answer within ${options.timeoutMs ?? 10_000} ms`)),
    );
    req.once('error', reject);
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('end', () =>
        resolve({ status: res.statusCode ?? 0, body, ms: performance.now() - started }),
      );
    });
    req.end(payload);
  });
}

/** The slowest of `times` health requests one after another, ms, and whether all were 200. */
export async function health(url: string, times = 5): Promise<{ ms: number; ok: boolean }> {
  let worst = 0;
  let ok = true;
  for (let i = 0; i < times; i += 1) {
    try {
      const answer = await send(url, { timeoutMs: 5_000 });
      worst = Math.max(worst, answer.ms);
      ok &&= answer.status === 200;
    } catch {
      return { ms: Number.NaN, ok: false };
    }
  }
  return { ms: worst, ok };
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
