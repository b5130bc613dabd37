/**
 * `npm run gateway`: ONE lab gateway as its own process, on a Redis broker, so a
 * Scaling lab topology can be spread over processes or machines. It is the lab
 * server (`buildApp`) named `gateway-N`, publishing and receiving through a
 * `RedisBroker` on the given URL; gateways on one Redis (and one key prefix)
 * share every channel, its ids and its history.
 *
 *   LAB_REDIS_URL=redis://127.0.0.1:6379 GATEWAY_NAME=gateway-1 PORT=9001 npm run gateway
 *   npm run gateway -- --redis redis://127.0.0.1:6379 --name gateway-2 --port 9002
 *
 * A flag wins over its variable. Listens on 127.0.0.1 unless HOST / --host widens
 * it; logs one line (name, address, Redis URL); stops on SIGINT/SIGTERM, closing
 * the app, then the Redis connections. A missing or unreachable Redis, or a bad
 * setting, is one sentence on stderr and exit code 1.
 */
import { parseArgs } from 'node:util';
import { buildApp } from '../server/app';
import { RedisBroker } from '../server/broker/redis-broker';
import { limitsFromEnv } from '../server/options';
import { envOptions, exitOnSignals } from '../server/env-options';

const NAME = /^[a-z0-9-]{1,32}$/;
/** How long the gateway waits for Redis at start before it gives up. */
const CONNECT_TIMEOUT_MS = 3_000;

/** A refusal of the settings or of Redis: printed as its sentence alone, no stack. */
class GatewayExit extends Error {}

interface GatewayConfig {
  name: string;
  port: number;
  host: string;
  redisUrl: string;
  prefix: string | undefined;
}

/** The settings from the flags, else the environment; a wrong one throws its sentence. */
function readConfig(argv: string[], env: NodeJS.ProcessEnv): GatewayConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        redis: { type: 'string' },
        name: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        prefix: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new GatewayExit(
      `${error instanceof Error ? error.message : String(error)} (flags: --redis, --name, --port, --host, --prefix)`,
    );
  }
  const redisUrl = values.redis ?? env.LAB_REDIS_URL ?? '';
  if (redisUrl === '')
    throw new GatewayExit(
      'npm run gateway needs a Redis: set LAB_REDIS_URL=redis://127.0.0.1:6379 or pass --redis <url>',
    );
  if (!/^rediss?:\/\//.test(redisUrl))
    throw new GatewayExit(
      `the Redis URL must start with redis:// or rediss://, got "${shown(redisUrl)}"`,
    );
  const name = values.name ?? env.GATEWAY_NAME ?? 'gateway-1';
  if (!NAME.test(name))
    throw new GatewayExit(`the gateway name must be 1 to 32 of a-z, 0-9 and -, got "${name}"`);
  const rawPort = values.port ?? env.PORT ?? '8080';
  const port = Number(rawPort);
  if (!/^\d+$/.test(rawPort) || port > 65535)
    throw new GatewayExit(`the port must be a whole number from 0 to 65535, got "${rawPort}"`);
  const prefix = values.prefix ?? env.LAB_REDIS_PREFIX;
  return {
    name,
    port,
    host: values.host ?? env.HOST ?? '127.0.0.1',
    redisUrl,
    prefix: prefix === '' ? undefined : prefix,
  };
}

/** The URL as it may be printed: a password in it is replaced by `***`. */
function shown(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

async function connectBroker(config: GatewayConfig): Promise<RedisBroker> {
  try {
    return await RedisBroker.connect({
      url: config.redisUrl,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      ...(config.prefix === undefined ? {} : { prefix: config.prefix }),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new GatewayExit(
      `${config.name} cannot reach Redis at ${shown(config.redisUrl)} (${reason}): start redis-server or point LAB_REDIS_URL at a running one`,
    );
  }
}

async function main(): Promise<void> {
  const config = readConfig(process.argv.slice(2), process.env);
  let limits;
  try {
    limits = limitsFromEnv(process.env);
  } catch (error) {
    throw new GatewayExit(error instanceof Error ? error.message : String(error));
  }
  const broker = await connectBroker(config);
  const app = await buildApp({
    serverName: config.name,
    broker,
    ...envOptions(process.env),
    limits,
  });

  // The app first (its clients get their closes), then the broker it does not own.
  exitOnSignals(app.log, () => app.close().then(() => broker.close()));

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app.close();
    await broker.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new GatewayExit(
      `${config.name} cannot listen on ${config.host}:${config.port} (${reason})`,
    );
  }
  const address = app.server.address();
  const shownPort = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  console.log(
    `Realtime Lab ${config.name} listening on http://${shownHost}:${shownPort} (redis ${shown(config.redisUrl)})`,
  );
}

main().catch((err: unknown) => {
  // A GatewayExit is a sentence for the user; anything else is printed by its message too, no stack.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
