import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  LabError,
  assertChannelName,
  labError,
  statusOnlyError,
  type ErrorBody,
} from '../src/core';
import { bodyRefusal, issueField, queryRefusal, type InputIssue } from '../src/core/input-errors';

/** Turns a schema validation failure into a coded error whose sentence names the field. */
function fromValidation(error: FastifyError, request: FastifyRequest): LabError {
  const issue = (error.validation?.[0] ?? {}) as InputIssue;
  const { field } = issueField(issue);
  switch (error.validationContext) {
    case 'params': {
      const raw = (request.params as Record<string, unknown> | undefined)?.[field];
      try {
        assertChannelName(String(raw ?? ''));
      } catch (err) {
        if (err instanceof LabError) return err;
      }
      return labError(
        'BAD_CHANNEL',
        `path parameter "${field}" ${issue.message ?? 'is not valid'}`,
      );
    }
    case 'querystring':
      return queryRefusal(issue, request.query as Record<string, unknown> | undefined);
    case 'body':
      return bodyRefusal(issue, request.url.startsWith('/api/faults') ? 'BAD_FAULT' : 'BAD_BODY');
    default:
      return labError('BAD_BODY', `request ${field} ${issue.message ?? 'is not valid'}`.trim());
  }
}

/** Maps anything thrown while serving a request to a coded error (5xx only for the server's own faults). */
export function toLabError(
  error: FastifyError | LabError | Error,
  request: FastifyRequest,
): LabError {
  if (error instanceof LabError) return error;
  const fe = error as FastifyError;
  if (fe.validation) return fromValidation(fe, request);
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return labError('BODY_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return labError('BAD_JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return labError('BAD_BODY', 'body is empty: send a JSON object');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return labError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return labError('BAD_BODY', 'Content-Length does not match the body');
    case 'FST_ERR_BAD_URL':
      return labError('BAD_URL');
    // @fastify/static refuses a path that climbs out of its root or is not canonical (`/../x`, `//x`).
    case 'FST_STATIC_FORBIDDEN_PATH':
      return labError('BAD_PATH');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return labError(
        'BAD_CHANNEL',
        'a path parameter is longer than the router takes (100 characters); a channel name is 1 to 64 of a-z, 0-9 and "-"',
      );
    default:
      break;
  }
  if (error instanceof SyntaxError) return labError('BAD_JSON');
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  const sentence = fe.message || 'the request was refused';
  // A 4xx the lab has no code for: a 400 is a bad request; any other goes by its status alone.
  if (status === 400) return labError('BAD_BODY', sentence);
  if (status > 400 && status < 500) return statusOnlyError(status, sentence);
  return labError('INTERNAL');
}

/** The refusal each request was answered with, for the tracer's `error` step. */
export const refusals = new WeakMap<object, LabError>();

export function sendError(reply: FastifyReply, error: LabError): FastifyReply {
  refusals.set(reply.request.raw, error);
  const body: ErrorBody = error.toBody();
  return reply.code(error.status).type('application/json; charset=utf-8').send(body);
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before any route or
 * hook runs (bad percent-encoding in the path, an over-long path parameter)
 * gets the lab's JSON error too, not Fastify's own body; and an upgrade
 * refused there has its socket closed after the answer.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  // An upgrade's socket belongs to nobody yet (@fastify/websocket ends it after a refusal only once
  // a route has run): end it after the answer, or it stays open for ever and blocks shutdown.
  if (request.raw.headers.upgrade !== undefined) {
    const socket = request.raw.socket;
    reply.raw.once('finish', () => socket.destroySoon());
  }
  void sendError(reply, toLabError(error, request));
}

/** Installs the JSON error handler and the JSON 404 for the whole app. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | LabError, request, reply) => {
    const labErr = toLabError(error, request);
    if (labErr.status >= 500) request.log.error({ err: error }, 'unexpected server error');
    else request.log.debug({ code: labErr.code }, labErr.message);
    return sendError(reply, labErr);
  });
}

export function notFound(request: FastifyRequest): LabError {
  const path = request.url.split('?')[0] ?? request.url;
  return labError(
    'NOT_FOUND',
    `no route for ${request.method} ${path.slice(0, 120)}: see the API table in README.md`,
  );
}
