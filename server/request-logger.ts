import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { ServerOptions } from './options';

/** The levels at which Fastify writes its lines for every request (`incoming request`, …). */
const REQUEST_LINE_LEVELS: ReadonlySet<string> = new Set(['info', 'debug', 'trace']);

/**
 * The Fastify options of a server logging at `level`: its `childLoggerFactory`. Fastify
 * gives every request a pino child of its own (binding its `reqId`) whatever the level:
 * some 300 bytes and a few hundred ns a request. Below `info` (the default: env-options.ts)
 * no request line is written, so the server's own logger serves every request, and a
 * warning or an error carries no `reqId`, which there would be no request line to match
 * with. A route with a log level of its own still gets its child. At `info` and more
 * verbose: Fastify's own factory.
 */
export function requestLoggerOptions(
  level: ServerOptions['logLevel'],
): Pick<FastifyServerOptions, 'childLoggerFactory'> {
  if (REQUEST_LINE_LEVELS.has(level)) return {};
  return {
    childLoggerFactory: (logger: FastifyBaseLogger, bindings, options) =>
      options.level === undefined ? logger : logger.child(bindings, options),
  };
}
