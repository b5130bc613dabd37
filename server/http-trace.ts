import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Technique } from '../src/core';
import { redactHeaderValue } from '../src/core/redact';
import { refusals } from './errors';
import { CLIENT_LABEL, RID_LABEL, traceTarget, type Labels } from './labels';
import type { Lab } from './lab';
import type { TraceTarget } from './observer-stream';

/** What a route tells the tracer about the answer it gave (polls: the ids carried, emptiness). */
export interface ExchangeTrace {
  target: TraceTarget;
  messageIds?: number[];
  empty?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set once the request's labels are known (preHandler of a channel route). */
    labTrace: ExchangeTrace | null;
  }
  interface FastifyContextConfig {
    /** The technique a channel route belongs to (null for publishing). */
    technique?: Technique | null;
  }
}

/**
 * Bytes of the request head exactly as Node received it: the request line, each
 * raw header line, and the blank line. Node keeps header names and values as
 * they came (latin1, without the optional whitespace around values).
 */
export function requestHeadBytes(raw: IncomingMessage): number {
  let bytes = Buffer.byteLength(
    `${raw.method ?? 'GET'} ${raw.url ?? '/'} HTTP/${raw.httpVersion}\r\n`,
    'latin1',
  );
  const lines = raw.rawHeaders;
  for (let i = 0; i + 1 < lines.length; i += 2) {
    bytes += Buffer.byteLength(`${lines[i]}: ${lines[i + 1]}\r\n`, 'latin1');
  }
  return bytes + 2;
}

/** Bytes of a header value as Node read it (latin1: one character per byte). */
const latin1Bytes = (value: string): number => Buffer.byteLength(value, 'latin1');

/**
 * The request's headers as the client sent them (names in their own case), for
 * the inspector, with secrets redacted before anything records them: `Cookie`,
 * `Authorization` and the like keep their name and size only (src/core/redact.ts).
 * Each line is redacted on its own, so a repeated header shows each line's size.
 */
export function requestHeaderRecord(raw: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  const lines = raw.rawHeaders;
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const name = lines[i]!;
    const value = redactHeaderValue(name, lines[i + 1]!, latin1Bytes);
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

/** The response's headers exactly as written in its serialized head (secrets redacted), for the inspector. */
export function responseHeaderRecord(res: ServerResponse): Record<string, string> {
  const head = serializedHead(res);
  const headers: Record<string, string> = {};
  if (typeof head !== 'string') return headers;
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      const name = line.slice(0, colon);
      headers[name] = redactHeaderValue(name, line.slice(colon + 1).trim(), latin1Bytes);
    }
  }
  return headers;
}

export function requestBodyBytes(raw: IncomingMessage): number {
  const length = Number(raw.headers['content-length'] ?? 0);
  return Number.isFinite(length) && length > 0 ? length : 0;
}

/** Node's serialized response head (`_header`); it is not in @types/node, hence the narrow cast. */
function serializedHead(res: ServerResponse): string | null | undefined {
  return (res as unknown as { _header?: string | null })._header;
}

/** The serialized response head Node wrote (status line, headers, blank line). */
export function responseHeadBytes(res: ServerResponse): number {
  const head = serializedHead(res);
  return typeof head === 'string' ? Buffer.byteLength(head, 'latin1') : 0;
}

/** Bytes the request's socket has been handed so far (includes what is still buffered). */
export function socketBytesWritten(raw: IncomingMessage): number {
  return raw.socket?.bytesWritten ?? 0;
}

/** What the request's socket had been handed when the request arrived (a keep-alive socket carries earlier answers). */
const arrivalBytes = new WeakMap<IncomingMessage, number>();

/**
 * Notes each request's arrival mark before any hook can answer it. Install it
 * first, on the root instance: the Host check, the restart gate and the
 * connection caps answer in their own `onRequest` hooks, and a mark taken after
 * them would be missing for exactly those answers, so that their bytes would be
 * counted from the socket's first byte (every earlier answer on a kept-alive
 * connection).
 */
export function installArrivalMark(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    arrivalBytes.set(request.raw, socketBytesWritten(request.raw));
  });
}

/** Bytes the exchange's answer put on its socket: since the arrival mark (else its head and declared body). */
export function responseBytesWritten(request: IncomingMessage, res: ServerResponse): number {
  const mark = arrivalBytes.get(request);
  if (mark !== undefined) return socketBytesWritten(request) - mark;
  const length = Number(res.getHeader('content-length') ?? 0);
  return responseHeadBytes(res) + (Number.isFinite(length) ? length : 0);
}

/** Labels read off the raw query, keeping only those that are valid (for refused requests). */
function rawLabels(request: FastifyRequest): Labels {
  const query = request.query as Record<string, unknown> | undefined;
  const labels: Labels = {};
  if (typeof query?.client === 'string' && CLIENT_LABEL.test(query.client))
    labels.client = query.client;
  if (typeof query?.rid === 'string' && RID_LABEL.test(query.rid)) labels.rid = query.rid;
  return labels;
}

export function recordRequest(lab: Lab, request: FastifyRequest, target: TraceTarget): void {
  lab.observer.record(target, 'request', 'up', () => ({
    bytes: { header: requestHeadBytes(request.raw), payload: requestBodyBytes(request.raw) },
    details: {
      method: request.method,
      url: request.url,
      requestHeaders: requestHeaderRecord(request.raw),
    },
  }));
}

/**
 * Traces every plain HTTP exchange of the routes it is installed on: the
 * request as it arrived (once its labels are known) and the response as it
 * finished, with the bytes the socket was handed for it (from the mark
 * installArrivalMark took). Refused requests are traced too, with an `error`
 * step. Hijacked replies (SSE, WebSocket) trace themselves.
 */
export function installHttpTrace(app: FastifyInstance, lab: Lab): void {
  app.decorateRequest('labTrace', null);

  app.addHook('preHandler', async (request) => {
    const technique = request.routeOptions.config.technique ?? null;
    const target = traceTarget(lab, technique, rawLabels(request));
    request.labTrace = { target };
    recordRequest(lab, request, target);
  });

  app.addHook('onResponse', async (request, reply) => {
    if (!lab.observer.active) return;
    let trace = request.labTrace;
    if (!trace) {
      const technique = request.routeOptions.config?.technique ?? null;
      trace = { target: traceTarget(lab, technique, rawLabels(request)) };
      recordRequest(lab, request, trace.target);
    }
    const status = reply.statusCode;
    if (status >= 400) {
      const refusal = refusals.get(request.raw);
      lab.observer.record(trace.target, 'error', 'none', {
        details: {
          status,
          error: refusal?.message ?? `HTTP ${status}`,
          ...(refusal ? { errorCode: refusal.code } : {}),
        },
      });
    }
    const header = responseHeadBytes(reply.raw);
    const total = responseBytesWritten(request.raw, reply.raw);
    lab.observer.record(trace.target, 'response', 'down', {
      bytes: { header, payload: Math.max(0, total - header) },
      ...(trace.messageIds ? { messageIds: trace.messageIds } : {}),
      ...(trace.empty !== undefined ? { empty: trace.empty } : {}),
      details: {
        status,
        method: request.method,
        url: request.url,
        responseHeaders: responseHeaderRecord(reply.raw),
      },
    });
  });
}
