/**
 * Where the Scaling section's Redis comes from, in the lab's own order (docs/protocol.md,
 * "Scaling lab"): `LAB_REDIS_URL` as it is (left running; each topology keys its data under a
 * prefix of its own), else a `redis-server` the bench starts on a free loopback port and stops
 * by its pid, else none — and then a sentence saying why, printed as a note, never a figure.
 */
import type { Processes } from './processes';

/** The Redis the run's Scaling-lab server is given, or why there is none. */
export type RedisSupply = { url: string; origin: 'env' | 'child' } | { url: null; why: string };

/** Why there is no Redis: what failed, and how to give the bench one. */
export function noRedis(reason: string): RedisSupply {
  return {
    url: null,
    why: `no Redis could be had (${reason}; LAB_REDIS_URL=redis://… names one to use instead)`,
  };
}

/** The Redis to use: LAB_REDIS_URL, else a child redis-server (LAB_REDIS_SERVER names the binary). */
export async function supplyRedis(
  processes: Processes,
  env: Record<string, string | undefined>,
): Promise<RedisSupply> {
  const url = env.LAB_REDIS_URL;
  if (url !== undefined && url !== '') return { url, origin: 'env' };
  try {
    const server = await processes.startRedis(env.LAB_REDIS_SERVER || undefined);
    return { url: server.url, origin: 'child' };
  } catch (err) {
    return noRedis((err instanceof Error ? err.message : String(err)).slice(0, 200));
  }
}
