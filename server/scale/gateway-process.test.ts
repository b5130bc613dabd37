/**
 * `npm run gateway` as real processes: a real redis-server on its own free port and
 * two `node --import tsx scripts/gateway.ts` children on it, reached over real
 * sockets. A message crosses between the processes through Redis, an SSE stream
 * resumes from the Redis stream, and a gateway killed with SIGKILL loses nothing
 * for a client that resumes on the other. Every child is stopped by pid at the end.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, TestSocket } from '../test/clients';
import { startRedisServer, skipRedis, type RedisServer } from '../test/redis-server';
import { waitFor } from '../test/wait-for';
import { freePort } from './redis-child';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface GatewayProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly base: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Its exit code (or the signal's name) once it has exited. */
  readonly exited: Promise<number | string>;
}

const children: ChildProcessWithoutNullStreams[] = [];

/** Spawns `scripts/gateway.ts` the way `npm run gateway` does, with `env` on top of ours. */
function spawnGateway(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/gateway.ts', ...args], {
    cwd: repo,
    env: { ...process.env, LAB_REDIS_URL: '', PORT: '0', LAB_LOG: 'silent', ...env },
    stdio: 'pipe',
  });
  children.push(child);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, output: () => out, exited };
}

/** A gateway process that listens: its printed address, answering /api/health. */
async function startGateway(name: string, redisUrl: string): Promise<GatewayProcess> {
  const spawned = spawnGateway({ LAB_REDIS_URL: redisUrl, GATEWAY_NAME: name });
  let exitedEarly = false;
  void spawned.exited.then(() => (exitedEarly = true));
  await waitFor(
    () => exitedEarly || /listening on http:\/\/127\.0\.0\.1:\d+/.test(spawned.output()),
    // tsx compiles the server first: seconds on a busy machine.
    45_000,
    `${name} to print its address`,
  );
  if (exitedEarly) throw new Error(`${name} exited: ${spawned.output()}`);
  const printed =
    /Realtime Lab (\S+) listening on (http:\/\/127\.0\.0\.1:\d+) \(redis (\S+)\)/.exec(
      spawned.output(),
    );
  expect(printed?.slice(1)).toEqual([name, expect.any(String), redisUrl]);
  const base = printed![2]!;
  await waitFor(
    async () => (await fetch(`${base}/api/health`).catch(() => null))?.status === 200,
    5_000,
    `${name}'s /api/health`,
  );
  return { ...spawned, base };
}

async function publish(base: string, channel: string, text: string): Promise<number> {
  const res = await fetch(`${base}/api/channels/${channel}/messages?client=alice`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'alice', text }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}

/** The SSE events' ids and texts read from `base` after `lastEventId`, once `count` have come. */
async function sseAfter(
  base: string,
  channel: string,
  lastEventId: number,
  count: number,
): Promise<{ ids: number[]; texts: string[] }> {
  // Sent for 0 too: without it a stream is live only (a gateway caught up on the channel first).
  const headers: Record<string, string> = { 'last-event-id': String(lastEventId) };
  const { reader, abort } = await openSse(
    `${base}/api/channels/${channel}/events?client=bob`,
    headers,
  );
  try {
    await waitFor(() => reader.events().length >= count, 5_000, `${count} SSE events`);
    // A little longer: one more event than expected would be a duplicate or a stray.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const events = reader.events();
    return {
      ids: events.map((e) => Number(e.id)),
      texts: events.map((e) => (JSON.parse(e.data) as { text: string }).text),
    };
  } finally {
    abort();
  }
}

describe.skipIf(skipRedis('the gateway processes'))('npm run gateway (processes on Redis)', () => {
  let redis: RedisServer;
  let one: GatewayProcess;
  let two: GatewayProcess;

  beforeAll(async () => {
    redis = await startRedisServer();
    [one, two] = await Promise.all([
      startGateway('gateway-1', redis.url),
      startGateway('gateway-2', redis.url),
    ]);
  }, 100_000);

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
    }
    await redis?.stop();
  });

  it('delivers a message published on gateway 1 to a WebSocket on gateway 2', async () => {
    const observer = await TestSocket.open(`${two.base.replace('http', 'ws')}/api/observe`);
    const hello = await observer.next((f) => f.type === 'hello', 5_000);
    observer.close();
    expect(hello).toMatchObject({ server: 'gateway-2' });
    const socket = await TestSocket.open(
      `${two.base.replace('http', 'ws')}/api/channels/cross/ws?client=bob`,
    );
    try {
      const id = await publish(one.base, 'cross', 'across processes');
      const frame = await socket.next<{ message: { id: number; text: string } }>(
        (f) => f.type === 'message',
        5_000,
      );
      expect(frame.message).toMatchObject({ id, text: 'across processes' });
    } finally {
      socket.close();
    }
  });

  it('resumes an SSE stream from the Redis stream, then on gateway 1 once gateway 2 is killed', async () => {
    await publish(one.base, 'resume', 'm1');
    const first = await sseAfter(two.base, 'resume', 0, 1);
    expect(first).toEqual({ ids: [1], texts: ['m1'] });
    // Away from gateway 2 while gateway 1 takes two more.
    await publish(one.base, 'resume', 'm2');
    await publish(one.base, 'resume', 'm3');
    const back = await sseAfter(two.base, 'resume', 1, 2);
    expect(back).toEqual({ ids: [2, 3], texts: ['m2', 'm3'] });

    await publish(one.base, 'resume', 'm4');
    await publish(one.base, 'resume', 'm5');
    process.kill(two.child.pid!, 'SIGKILL');
    expect(await two.exited).toBe('SIGKILL');
    await expect(fetch(`${two.base}/api/health`)).rejects.toThrow();
    const rest = await sseAfter(one.base, 'resume', 3, 2);
    expect(rest).toEqual({ ids: [4, 5], texts: ['m4', 'm5'] });
  }, 20_000);

  it('stops cleanly on SIGTERM: its sockets get 1001, its Redis connections close, exit code 0', async () => {
    const admin = createClient({ url: redis.url });
    admin.on('error', () => undefined);
    await admin.connect();
    try {
      const clients = async (): Promise<number> =>
        String(await admin.sendCommand(['CLIENT', 'LIST']))
          .trim()
          .split('\n').length;
      const before = await clients();
      const three = await startGateway('gateway-3', redis.url);
      // Its command and subscriber connections.
      expect(await clients()).toBe(before + 2);
      const socket = await TestSocket.open(
        `${three.base.replace('http', 'ws')}/api/channels/bye/ws?client=bob`,
      );
      process.kill(three.child.pid!, 'SIGTERM');
      expect(await socket.closed(10_000)).toBe(1001);
      expect(await three.exited).toBe(0);
      await waitFor(
        async () => (await clients()) === before,
        5_000,
        'its Redis connections to close',
      );
    } finally {
      admin.destroy();
    }
  }, 60_000);

  it('says in one sentence, exit code 1, when the Redis URL is missing or unreachable', async () => {
    const missing = spawnGateway({});
    const nowhere = spawnGateway({ LAB_REDIS_URL: `redis://127.0.0.1:${await freePort()}` }, [
      '--name',
      'gateway-9',
    ]);
    expect(await missing.exited).toBe(1);
    expect(missing.output().trim()).toMatch(/^npm run gateway needs a Redis: set LAB_REDIS_URL=/);
    expect(await nowhere.exited).toBe(1);
    const said = nowhere.output().trim();
    expect(said).toMatch(/^gateway-9 cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ /);
    // One line, no stack trace.
    expect(said.split('\n')).toHaveLength(1);
    expect(missing.output().trim().split('\n')).toHaveLength(1);
  }, 60_000);
});
