/**
 * What `npm start` and `npm run gateway` both read from the environment:
 * `ALLOWED_HOSTS`, `ALLOWED_ORIGINS` (comma-separated), `LAB_LOG`, the log
 * level (`info` unless one of pino's levels is named), and `LAB_DEV=1`, set by
 * `npm run dev` (scripts/dev.ts) alone, which trusts the dev server's origins.
 */
import type { ServerOptions } from './app';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type EnvOptions = Required<
  Pick<ServerOptions, 'allowedHosts' | 'allowedOrigins' | 'logLevel' | 'devOrigins'>
>;

function logLevel(raw: string | undefined): EnvOptions['logLevel'] {
  const level = (raw ?? 'info').toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(level)
    ? (level as EnvOptions['logLevel'])
    : 'info';
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
