import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { DEFAULT_LOG_LEVEL, envOptions } from './env-options';
import { requestLoggerOptions } from './request-logger';

describe('envOptions: LAB_LOG', () => {
  it('logs warnings and errors only unless told otherwise, so that no request is logged by default', () => {
    expect(DEFAULT_LOG_LEVEL).toBe('warn');
    expect(envOptions({}).logLevel).toBe('warn');
    // Not one of pino's levels: the default, not a crash.
    expect(envOptions({ LAB_LOG: 'loud' }).logLevel).toBe('warn');
  });

  it('takes any of pino’s levels, in any case: info adds a line for every request', () => {
    expect(envOptions({ LAB_LOG: 'info' }).logLevel).toBe('info');
    expect(envOptions({ LAB_LOG: 'DEBUG' }).logLevel).toBe('debug');
    expect(envOptions({ LAB_LOG: 'silent' }).logLevel).toBe('silent');
  });
});

describe('requestLoggerOptions', () => {
  // Fastify's own pino, as buildApp makes it.
  const logger = Fastify({ logger: { level: 'warn' } }).log;
  const child = (level: Parameters<typeof requestLoggerOptions>[0], options = {}) => {
    const factory = requestLoggerOptions(level).childLoggerFactory;
    return factory?.call(null as never, logger, { reqId: 'req-1' }, options, null as never);
  };

  it('gives a request no logger of its own below info: no request line is written there', () => {
    expect(child('warn')).toBe(logger);
    expect(child('silent')).toBe(logger);
    // A route with a level of its own still gets its child.
    const routeChild = child('warn', { level: 'debug' });
    expect(routeChild).not.toBe(logger);
    expect(routeChild?.level).toBe('debug');
  });

  it('leaves Fastify its own per-request child (with reqId) at info and more verbose', () => {
    expect(requestLoggerOptions('info')).toEqual({});
    expect(requestLoggerOptions('debug')).toEqual({});
  });
});
