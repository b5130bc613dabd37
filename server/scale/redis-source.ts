/**
 * Where the Scaling lab's Redis comes from, the way users start one (issue #12,
 * point 5): `LAB_REDIS_URL=redis://…` is used as it is (and left running);
 * else, when a `redis-server` binary is on the PATH, the lab starts its own
 * child on a free loopback port, stopped with the topology or when the process
 * exits; else `broker: "redis"` is refused with RL_ERR_NO_REDIS (503), whose
 * sentence says how to get one.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { labError } from '../../src/core';
import { startRedisServer } from './redis-child';

export interface RedisSource {
  readonly url: string;
  /** `env` (LAB_REDIS_URL) or `child` (started by the lab). */
  readonly origin: 'env' | 'child';
  /** The child's pid (`child` only). */
  readonly pid?: number;
  /** Stops the child; a Redis from LAB_REDIS_URL is left running. */
  stop(): Promise<void>;
}

/** The first executable `name` on `path`, or null. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Opens the Redis the environment offers: LAB_REDIS_URL, else a child redis-server, else a 503. */
export async function openRedisSource(env: NodeJS.ProcessEnv = process.env): Promise<RedisSource> {
  const url = env.LAB_REDIS_URL;
  if (url !== undefined && url !== '') {
    return { url, origin: 'env', stop: () => Promise.resolve() };
  }
  const binary = env.LAB_REDIS_SERVER ?? findOnPath('redis-server', env.PATH);
  if (binary === null) throw labError('NO_REDIS');
  let server;
  try {
    server = await startRedisServer(binary);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw labError('NO_REDIS', `redis-server did not start (${reason.slice(0, 200)})`);
  }
  const { pid } = server;
  // A lab that exits without stopping the topology does not leave its Redis behind.
  const onExit = (): void => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  return {
    url: server.url,
    origin: 'child',
    pid,
    stop: async () => {
      process.off('exit', onExit);
      await server.stop();
    },
  };
}
