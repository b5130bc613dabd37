/**
 * One plain HTTP exchange with the simulated server, traced as the lab server traces its
 * own (server/http-trace.ts): the request as it arrived, an `error` step for a refusal, the
 * response with its bytes. Inputs are checked against the same schemas the server's routes
 * use (src/core/api-schemas.ts) and refused with the same codes (src/core/input-errors.ts).
 */
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import {
  LabError,
  assertChannelName,
  formatDuration,
  labError,
  utf8Bytes,
  type Technique,
  type TraceDetails,
} from '../core';
import { CLIENT_LABEL, RID_LABEL } from '../core/api-schemas';
import { bodyRefusal, queryRefusal, type InputIssue } from '../core/input-errors';
import type { SimLab } from './sim-lab';
import type { TraceTarget } from '../core/server-steps';
import {
  jsonHeaders,
  requestHeadBytes,
  responseHeadBytes,
  wireRequest,
  type WireRequest,
} from './wire';

/** What a simulated route answers: JSON with a status, or a network error (a dropped connection). */
export type SimAnswer =
  | {
      status: number;
      body: unknown;
      messageIds?: number[];
      empty?: boolean;
      headers?: Record<string, string>;
    }
  | { networkError: true };

/** A request as a simulated route sees it, once traced. */
export interface SimExchange {
  url: URL;
  query: Record<string, string>;
  /** The body as text (POST), else undefined. */
  text: string | undefined;
  target: TraceTarget;
  wire: WireRequest;
  /** Aborted when the page gives the request up (where the runtime tells). */
  signal: AbortSignal;
}

/** The query as one value per name (the last one wins, as Fastify's parser keeps one). */
export function queryOf(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams.entries());
}

/** The trace target of one request: the client's rid (else a fresh `s-<n>`) and client label, when valid. */
export function targetOf(lab: SimLab, technique: Technique | null, url: URL): TraceTarget {
  const rid = url.searchParams.get('rid');
  const client = url.searchParams.get('client');
  const target: TraceTarget = {
    technique,
    conn: rid !== null && RID_LABEL.test(rid) ? rid : lab.nextConnId(),
  };
  if (client !== null && CLIENT_LABEL.test(client)) target.peer = client;
  return target;
}

/** TypeBox's issue in the shape Ajv gives (what src/core/input-errors.ts reads). */
function asInputIssue(schema: TSchema, value: unknown): InputIssue {
  const issues = [...Value.Errors(schema, value)] as Array<{
    keyword: string;
    instancePath: string;
    message: string;
    params: Record<string, unknown>;
  }>;
  const extra = issues.find((issue) => issue.keyword === 'additionalProperties');
  if (extra) {
    const names = extra.params.additionalProperties;
    return {
      instancePath: extra.instancePath,
      keyword: extra.keyword,
      params: { additionalProperty: Array.isArray(names) ? String(names[0]) : undefined },
    };
  }
  const issue = issues.find((i) => i.keyword !== 'boolean') ?? issues[0];
  if (!issue) return {};
  if (issue.keyword === 'required') {
    const names = issue.params.requiredProperties;
    return { ...issue, params: { missingProperty: Array.isArray(names) ? String(names[0]) : '' } };
  }
  return issue;
}

/**
 * A query checked against its route schema, numbers coerced from text as the server's
 * query validator does (a value that coerces to ±Infinity is refused); throws the
 * server's refusal for it.
 */
export function checkQuery<S extends TSchema>(schema: S, query: Record<string, string>): Static<S> {
  const value = Value.Convert(schema, { ...query }) as Record<string, unknown>;
  const finite = Object.values(value).every((v) => typeof v !== 'number' || Number.isFinite(v));
  if (finite && Value.Check(schema, value)) return value as Static<S>;
  throw queryRefusal(finite ? asInputIssue(schema, value) : { keyword: 'type' }, query);
}

/** A JSON body checked as sent (no coercion, unknown fields refused), as the server checks it. */
export function checkBody<S extends TSchema>(
  schema: S,
  text: string | undefined,
  name: 'BAD_BODY' | 'BAD_FAULT' = 'BAD_BODY',
): Static<S> {
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    throw labError('BAD_JSON');
  }
  if (Value.Check(schema, value)) return value as Static<S>;
  throw bodyRefusal(asInputIssue(schema, value), name);
}

/** The `:ch` path parameter, refused as the server refuses a bad channel name. */
export function checkChannel(raw: string | readonly string[] | undefined): string {
  return assertChannelName(typeof raw === 'string' ? decodeURIComponent(raw) : '');
}

/** Waits `ms` (a latency fault), at once when 0. */
export function pause(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Reads and traces a request as it arrives (its `request` step). */
export async function arrive(
  lab: SimLab,
  request: Request,
  technique: Technique | null,
): Promise<SimExchange> {
  const url = new URL(request.url);
  const text = request.method === 'GET' ? undefined : await request.text();
  const wire = await wireRequest(request, text);
  const target = targetOf(lab, technique, url);
  lab.observer.record(target, 'request', 'up', () => ({
    bytes: { header: requestHeadBytes(wire), payload: wire.bodyBytes },
    details: { method: wire.method, url: wire.target, requestHeaders: wire.headers },
  }));
  return { url, query: queryOf(url), text, target, wire, signal: request.signal };
}

/** The refusal for anything a route threw: its own LabError, else an internal error. */
export function refusal(error: unknown): LabError {
  if (error instanceof LabError) return error;
  return labError('INTERNAL', `the simulation failed: ${String(error)}`);
}

/** The answer for a refusal (the lab's JSON error body with its status). */
export function refused(error: unknown): SimAnswer {
  const e = refusal(error);
  return { status: e.status, body: e.toBody() };
}

/** Traces the answer (an `error` step for a refusal, then the `response`) and turns it into a Response. */
export async function depart(
  lab: SimLab,
  exchange: SimExchange,
  answer: SimAnswer,
): Promise<Response> {
  if ('networkError' in answer) return Response.error();
  const text = answer.status === 204 ? '' : JSON.stringify(answer.body);
  const headers = { ...jsonHeaders(text), ...answer.headers };
  const { target, wire } = exchange;
  if (answer.status >= 400) {
    const body = answer.body as { error?: string; code?: string };
    const details: TraceDetails = {
      status: answer.status,
      error: body.error ?? `HTTP ${answer.status}`,
    };
    if (body.code !== undefined) details.errorCode = body.code;
    lab.observer.record(target, 'error', 'none', { details });
  }
  await pause(lab.faults.latencyMs.down);
  lab.observer.record(target, 'response', 'down', {
    bytes: { header: responseHeadBytes(answer.status, headers), payload: utf8Bytes(text) },
    ...(answer.messageIds ? { messageIds: answer.messageIds } : {}),
    ...(answer.empty !== undefined ? { empty: answer.empty } : {}),
    details: {
      status: answer.status,
      method: wire.method,
      url: wire.target,
      responseHeaders: headers,
    },
  });
  return new Response(answer.status === 204 ? null : text, { status: answer.status, headers });
}

/** While a simulated reboot is on, channel routes and the health check answer 503 (as the server's gate). */
export function gate(lab: SimLab): void {
  if (!lab.restarting()) return;
  const left = (lab.faults.restartingUntil ?? 0) - lab.now();
  throw labError(
    'UNAVAILABLE',
    `the server is rebooting: it answers again in ${formatDuration(left)}`,
  );
}

/**
 * A whole plain exchange: arrival, the added latency up, the route, the answer. `handle`
 * throws a LabError to refuse.
 */
export async function exchange(
  lab: SimLab,
  request: Request,
  technique: Technique | null,
  handle: (exchange: SimExchange) => Promise<SimAnswer> | SimAnswer,
): Promise<Response> {
  const arrived = await arrive(lab, request, technique);
  await pause(lab.faults.latencyMs.up);
  let answer: SimAnswer;
  try {
    answer = await handle(arrived);
  } catch (error) {
    answer = refused(error);
  }
  return depart(lab, arrived, answer);
}
