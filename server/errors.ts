import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ERROR_CODES,
  LabError,
  assertChannelName,
  type ErrorBody,
  type ErrorCode,
} from '../src/core';
import { KNOB_RANGES } from './options';

/** How each query parameter is described when it is refused, and the code it is refused with. */
const QUERY_RULES: Record<string, { code: ErrorCode; expected: string }> = {
  since: { code: ERROR_CODES.BAD_SINCE, expected: 'a message id (a whole number ≥ 0)' },
  lastEventId: {
    code: ERROR_CODES.BAD_LAST_EVENT_ID,
    expected: 'a message id (a whole number ≥ 0)',
  },
  timeout: {
    code: ERROR_CODES.BAD_TIMEOUT,
    expected: `a whole number of ms from ${KNOB_RANGES.timeout.min} to ${KNOB_RANGES.timeout.max}`,
  },
  // retry and heartbeat are durations like timeout; they share its code and the sentence names them.
  retry: {
    code: ERROR_CODES.BAD_TIMEOUT,
    expected: `a whole number of ms from ${KNOB_RANGES.retry.min} to ${KNOB_RANGES.retry.max}`,
  },
  heartbeat: {
    code: ERROR_CODES.BAD_TIMEOUT,
    expected: `a whole number of ms from ${KNOB_RANGES.heartbeat.min} to ${KNOB_RANGES.heartbeat.max}`,
  },
  client: { code: ERROR_CODES.BAD_LABEL, expected: '1 to 32 of a-z, 0-9 and "-"' },
  rid: { code: ERROR_CODES.BAD_LABEL, expected: '1 to 64 of A-Z, a-z, 0-9 and . _ : -' },
};

interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

export function labError(message: string, code: ErrorCode, status: number): LabError {
  return new LabError(message, code, status);
}

/** Turns a schema validation failure into a coded error whose sentence names the field. */
function fromValidation(error: FastifyError, request: FastifyRequest): LabError {
  const issue = (error.validation?.[0] ?? {}) as ValidationIssue;
  const missing =
    typeof issue.params?.missingProperty === 'string' ? issue.params.missingProperty : undefined;
  const field = missing ?? (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  switch (error.validationContext) {
    case 'params': {
      const raw = (request.params as Record<string, unknown> | undefined)?.[field];
      try {
        assertChannelName(String(raw ?? ''));
      } catch (err) {
        if (err instanceof LabError) return err;
      }
      return labError(
        `path parameter "${field}" ${issue.message ?? 'is not valid'}`,
        ERROR_CODES.BAD_CHANNEL,
        400,
      );
    }
    case 'querystring': {
      const rule = QUERY_RULES[field];
      const raw = (request.query as Record<string, unknown> | undefined)?.[field];
      const got = raw === undefined ? '' : `, got ${JSON.stringify(String(raw).slice(0, 40))}`;
      if (rule)
        return labError(
          `query parameter "${field}" must be ${rule.expected}${got}`,
          rule.code,
          400,
        );
      return labError(
        `query parameter "${field}" ${issue.message ?? 'is not valid'}`,
        ERROR_CODES.BAD_BODY,
        400,
      );
    }
    case 'body': {
      const code = request.url.startsWith('/api/faults')
        ? ERROR_CODES.BAD_FAULT
        : ERROR_CODES.BAD_BODY;
      const extra = issue.params?.additionalProperty;
      if (typeof extra === 'string') {
        return labError(
          `body field "${[field, extra].filter(Boolean).join('.')}" is not known`,
          code,
          400,
        );
      }
      if (missing) return labError(`body needs "${missing}"`, code, 400);
      if (field === '') return labError(`body ${issue.message ?? 'is not valid'}`, code, 400);
      return labError(`body field "${field}" ${issue.message ?? 'is not valid'}`, code, 400);
    }
    default:
      return labError(
        `request ${field} ${issue.message ?? 'is not valid'}`.trim(),
        ERROR_CODES.BAD_BODY,
        400,
      );
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
      return labError(
        'body is larger than the server accepts (16 KiB)',
        ERROR_CODES.BODY_TOO_LARGE,
        413,
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return labError('body is not valid JSON', ERROR_CODES.BAD_JSON, 400);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return labError('body is empty: send a JSON object', ERROR_CODES.BAD_BODY, 400);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
        ? labError('content type must be application/json', ERROR_CODES.UNSUPPORTED_MEDIA_TYPE, 415)
        : labError('Content-Length does not match the body', ERROR_CODES.BAD_BODY, 400);
    case 'FST_ERR_BAD_URL':
      return labError('the URL is not valid (bad percent-encoding)', ERROR_CODES.NOT_FOUND, 400);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return labError(
        'a path parameter is longer than the router takes (100 characters); a channel name is 1 to 64 of a-z, 0-9 and "-"',
        ERROR_CODES.BAD_CHANNEL,
        400,
      );
    default:
      break;
  }
  if (error instanceof SyntaxError)
    return labError('body is not valid JSON', ERROR_CODES.BAD_JSON, 400);
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    return labError(fe.message || 'the request was refused', ERROR_CODES.BAD_BODY, status);
  }
  return new LabError(
    'the server failed while answering; see its log',
    ERROR_CODES.UNAVAILABLE,
    500,
  );
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
    `no route for ${request.method} ${path.slice(0, 120)}: see the API table in README.md`,
    ERROR_CODES.NOT_FOUND,
    404,
  );
}
