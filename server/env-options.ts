/**
 * What `npm start` and `npm run gateway` both read from the environment:
 * `ALLOWED_HOSTS`, `ALLOWED_ORIGINS` (comma-separated), `LAB_LOG`, the log
 * level, and `LAB_DEV=1`, set by `npm run dev` (scripts/dev.ts) alone, which
 * trusts the dev server's origins.
 *
 * `LAB_LOG` is `warn` unless one of pino's levels is named: warnings (a refused
 * Host or Origin) and errors (a 500) only. `LAB_LOG=info` adds Fastify's two
 * lines for every request (`incoming request`, `request completed`), `debug` the
 * refusals' codes and socket errors. Request lines are not the default: the lab
 * answers a poll every few hundred ms per participant, and writing two JSON lines
 * for each halved the requests a second the server could answer (measured against
 * a bare Fastify route), while the trace already shows every request to whoever
 * watches.
 */
import type { ServerOptions } from './app';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type EnvOptions = Required<
  Pick<ServerOptions, 'allowedHosts' | 'allowedOrigins' | 'logLevel' | 'devOrigins'>
>;

/** The level `npm start` logs at unless `LAB_LOG` names another. */
export const DEFAULT_LOG_LEVEL = 'warn';

function logLevel(raw: string | undefined): EnvOptions['logLevel'] {
  const level = (raw ?? DEFAULT_LOG_LEVEL).toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(level)
    ? (level as EnvOptions['logLevel'])
    : DEFAULT_LOG_LEVEL;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

export function envOptions(env: NodeJS.ProcessEnv): EnvOptions {
  return {
    allowedHosts: list(env.ALLOWED_HOSTS),
    allowedOrigins: list(env.ALLOWED_ORIGINS),
    logLevel: logLevel(env.LAB_LOG),
    devOrigins: env.LAB_DEV === '1',
  };
}

/**
 * Stops the process on SIGINT or SIGTERM: `close` once (the app, then what it
 * does not own), exit 0 when it is done, 1 when it fails or takes over 5 s.
 */
export function exitOnSignals(
  log: { info(fields: object, message: string): void },
  close: () => Promise<unknown>,
): void {
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 5_000);
    force.unref();
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
