import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Message, Technique } from '../src/core';
import { redactHeaderValue } from '../src/core/redact';
import { refusals } from './errors';
import { CLIENT_LABEL, RID_LABEL } from './labels';
import type { Lab } from './lab';
import type { TraceTarget } from './observer-stream';

/** What a route tells the tracer about the answer it gave (polls: the ids carried, emptiness). */
export interface ExchangeTrace {
  target: TraceTarget;
  messageIds?: number[];
  /** A poll's answer: its ids are read off it only if the response is traced. */
  messages?: readonly Message[];
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
export function installArrivalMark(app: FastifyInstance, lab: Lab): void {
  app.addHook('onRequest', (request, _reply, done) => {
    // Unobserved, no mark: an answer that is traced all the same (an observer connected while
    // it was held) counts its head and Content-Length, which every channel route's answer has.
    if (lab.observer.active) arrivalBytes.set(request.raw, socketBytesWritten(request.raw));
    done();
  });
}

/**
 * The body size the answer's head declared (`Content-Length`, as written in the head: Fastify
 * passes its headers to `writeHead`, where `getHeader` does not see them), else 0.
 */
function declaredBodyBytes(res: ServerResponse): number {
  const head = serializedHead(res);
  const match = typeof head === 'string' ? /\r\ncontent-length:[ \t]*(\d+)/i.exec(head) : null;
  return match ? Number(match[1]) : 0;
}

/** Bytes the exchange's answer put on its socket: since the arrival mark (else its head and declared body). */
export function responseBytesWritten(request: IncomingMessage, res: ServerResponse): number {
  const mark = arrivalBytes.get(request);
  if (mark !== undefined) return socketBytesWritten(request) - mark;
  return responseHeadBytes(res) + declaredBodyBytes(res);
}

/**
 * The exchange's trace target from the labels of the raw query, keeping only those that are
 * valid (a refused request's query may not be), as `traceTarget` makes it from labels.
 */
function rawTarget(lab: Lab, technique: Technique | null, request: FastifyRequest): TraceTarget {
  const query = request.query as Record<string, unknown> | undefined;
  const rid = query?.rid;
  const client = query?.client;
  const target: TraceTarget = {
    technique,
    conn: typeof rid === 'string' && RID_LABEL.test(rid) ? rid : lab.nextConnId(),
  };
  if (typeof client === 'string' && CLIENT_LABEL.test(client)) target.peer = client;
  return target;
}

export function recordRequest(lab: Lab, request: FastifyRequest, target: TraceTarget): void {
  if (!lab.observer.active) return;
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

  // Callback hooks, as every hook on a request's path: no promise and no extra tick a request.
  // The target is made whether or not anyone observes: a held request outlives the moment an
  // observer connects, and its later steps must carry its `rid` and `client`.
  app.addHook('preHandler', (request, _reply, done) => {
    const technique = request.routeOptions.config.technique ?? null;
    const target = rawTarget(lab, technique, request);
    request.labTrace = { target };
    recordRequest(lab, request, target);
    done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    if (lab.observer.active) traceResponse(lab, request, reply);
    done();
  });
}

function messageIdsOf(trace: ExchangeTrace): { messageIds?: number[] } {
  if (trace.messageIds) return { messageIds: trace.messageIds };
  if (trace.messages) return { messageIds: trace.messages.map((m) => m.id) };
  return {};
}

/** The response step (and an `error` step first for a refusal) of a finished exchange. */
function traceResponse(lab: Lab, request: FastifyRequest, reply: FastifyReply): void {
  let trace = request.labTrace;
  if (!trace) {
    const technique = request.routeOptions.config?.technique ?? null;
    trace = { target: rawTarget(lab, technique, request) };
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
    ...messageIdsOf(trace),
    ...(trace.empty !== undefined ? { empty: trace.empty } : {}),
    details: {
      status,
      method: request.method,
      url: request.url,
      responseHeaders: responseHeaderRecord(reply.raw),
    },
  });
}
