/**
 * A `redis-server` as a child process: Debian's binary on a free 127.0.0.1 port,
 * nothing saved to disk, stopped by pid (SIGTERM, then SIGKILL after 2 s). The
 * Scaling lab starts one when no `LAB_REDIS_URL` is given (redis-source.ts); the
 * tests start their own through server/test/redis-server.ts. Never a shared Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

export const INSTALL_REDIS = 'install redis-server (apt-get install -y redis-server)';

export interface RedisServer {
  url: string;
  port: number;
  pid: number;
  /** Stops the child (SIGTERM, then SIGKILL after 2 s) and waits for it to exit. */
  stop: () => Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One PING over a raw socket: true when it answers +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk: Buffer) => done(chunk.toString().startsWith('+PONG')));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const gone = exited(child);
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  }, 2_000);
  await gone;
  clearTimeout(timer);
}

/** Starts one child `redis-server` and waits for PING. */
async function startOnce(binary: string, port: number): Promise<RedisServer> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = spawn(binary, [...args, '--daemonize', 'no', '--loglevel', 'warning'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'ENOENT'
            ? `${binary} was not found: ${INSTALL_REDIS}`
            : `${binary} did not start: ${error.message}`,
        ),
      );
    });
    child.once('exit', (code) => reject(new Error(`${binary} exited (${code}): ${output}`)));
  });
  const ready = (async () => {
    const started = Date.now();
    while (!(await ping(port))) {
      if (Date.now() - started > 5_000) throw new Error(`${binary} gave no PONG in 5 s: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  try {
    await Promise.race([ready, failed]);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  failed.catch(() => undefined);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? 0,
    stop: () => stopChild(child),
  };
}

/**
 * A fresh redis-server on a free port (tried on up to three ports, in case one is
 * taken meanwhile). `binary` defaults to `LAB_REDIS_SERVER`, else `redis-server`.
 */
export async function startRedisServer(
  binary = process.env.LAB_REDIS_SERVER ?? 'redis-server',
): Promise<RedisServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(binary, await freePort());
    } catch (error) {
      lastError = error;
      if (error instanceof Error && error.message.includes(INSTALL_REDIS)) break;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
