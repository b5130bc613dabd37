/**
 * What the Scaling lab's balancer reads off a request before routing it, and
 * its own refusals: the user (the `client=` label), the technique and the
 * `rid=` label from the path and query; the 502 and 503 it answers itself.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import { labError, type HttpErrorName, type Technique } from '../../src/core';
import { CLIENT_LABEL, RID_LABEL } from '../labels';

/** The header every answer through the balancer carries: which gateway it came from. */
export const GATEWAY_HEADER = 'X-Lab-Gateway';

export interface RequestMeta {
  /** The `client=` label, standing in for a cookie (the page's participants share one jar). */
  readonly user: string | null;
  readonly technique: Technique | undefined;
  /** The `rid=` label: the browser's id for the request or connection. */
  readonly conn: string | undefined;
  readonly path: string;
}

/** The technique a lab path belongs to: `GET …/messages` a short poll, `…/long-poll`, `…/events`, `…/ws`. */
function techniqueOf(method: string | undefined, path: string): Technique | undefined {
  const match = /^\/api\/channels\/[^/]+\/(messages|long-poll|events|ws)$/.exec(path);
  switch (match?.[1]) {
    case 'messages':
      return method === 'GET' ? 'short-poll' : undefined;
    case 'long-poll':
      return 'long-poll';
    case 'events':
      return 'sse';
    case 'ws':
      return 'websocket';
    default:
      return undefined;
  }
}

function label(value: string | null, pattern: RegExp): string | undefined {
  return value !== null && pattern.test(value) ? value : undefined;
}

export function requestMeta(request: IncomingMessage): RequestMeta {
  const raw = request.url ?? '/';
  const query = raw.indexOf('?');
  const path = query === -1 ? raw : raw.slice(0, query);
  const params = new URLSearchParams(query === -1 ? '' : raw.slice(query + 1));
  return {
    user: label(params.get('client'), CLIENT_LABEL) ?? null,
    technique: techniqueOf(request.method, path),
    conn: label(params.get('rid'), RID_LABEL),
    path,
  };
}

/**
 * A refusal of the balancer's own: its status, headers and the lab's JSON body.
 * A 502 names the gateway that failed; a 503 (no gateway up) has none to name.
 */
export interface Refusal {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export function refusal(
  name: Extract<HttpErrorName, 'NO_GATEWAY' | 'BAD_GATEWAY'>,
  gateway?: string,
): Refusal {
  const error = labError(name);
  const body = JSON.stringify(error.toBody());
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
  };
  if (gateway !== undefined) headers[GATEWAY_HEADER] = gateway;
  return { status: error.status, headers, body };
}

/** A refusal as raw bytes, for a socket that asked to upgrade (no `ServerResponse` there). */
export function rawRefusal(answer: Refusal): string {
  const lines = [`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ''}`];
  for (const [name, value] of Object.entries(answer.headers)) lines.push(`${name}: ${value}`);
  lines.push('connection: close');
  return `${lines.join('\r\n')}\r\n\r\n${answer.body}`;
}
