/**
 * A real `redis-server` for the tests: the child process of server/scale/redis-child.ts
 * on a free 127.0.0.1 port, stopped by pid in the suite's afterAll. Never a shared
 * Redis. A missing binary fails the suite with a sentence saying how to install it;
 * the only way to skip is `LAB_SKIP_REDIS=1`, which says it skipped.
 */
import {
  INSTALL_REDIS,
  startRedisServer as startChild,
  type RedisServer,
} from '../scale/redis-child';

export { INSTALL_REDIS, type RedisServer };

/** True when `LAB_SKIP_REDIS=1`: prints that the Redis tests are skipped, once per call. */
export function skipRedis(suite: string): boolean {
  if (process.env.LAB_SKIP_REDIS !== '1') return false;
  console.warn(`LAB_SKIP_REDIS=1: skipped ${suite} (it needs a real redis-server)`);
  return true;
}

/** A fresh redis-server on a free port; a missing binary says how to install it or skip. */
export async function startRedisServer(): Promise<RedisServer> {
  try {
    return await startChild();
  } catch (error) {
    if (error instanceof Error && error.message.includes(INSTALL_REDIS))
      throw new Error(`${error.message}, or set LAB_SKIP_REDIS=1 to skip the Redis tests`, {
        cause: error,
      });
    throw error;
  }
}
