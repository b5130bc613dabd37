/**
 * What `npm start` and `npm run gateway` both read from the environment:
 * `ALLOWED_HOSTS`, `ALLOWED_ORIGINS` (comma-separated) and `LAB_LOG`, the log
 * level (`info` unless one of pino's levels is named).
 */
import type { ServerOptions } from './app';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type EnvOptions = Required<Pick<ServerOptions, 'allowedHosts' | 'allowedOrigins' | 'logLevel'>>;

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
  };
}
