/**
 * What the Scaling lab's balancer reads off a request before routing it, and
 * the heads it writes on: the user (the `client=` label), the technique and
 * the `rid=` label from the path and query, and the headers a proxy rewrites
 * (`Host`, `X-Forwarded-For`) or must not pass on (hop-by-hop, RFC 9110 §7.6.1).
 */
import { STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
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

/** Headers that describe one hop, not the message: a proxy never passes them on. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** The hop-by-hop names of a message: the fixed ones and those its `Connection` header lists. */
function hopNames(headers: IncomingHttpHeaders): Set<string> {
  const names = new Set(HOP_BY_HOP);
  for (const name of String(headers.connection ?? '').split(','))
    if (name.trim() !== '') names.add(name.trim().toLowerCase());
  return names;
}

/** The client's address appended to any `X-Forwarded-For` it came with. */
function forwardedFor(request: IncomingMessage): string {
  const before = request.headers['x-forwarded-for'];
  const address = request.socket.remoteAddress ?? 'unknown';
  const list = Array.isArray(before) ? before.join(', ') : before;
  return list === undefined || list === '' ? address : `${list}, ${address}`;
}

/** A request's headers for the next hop: hop-by-hop removed, `Host` the gateway's, `X-Forwarded-For` added. */
export function forwardRequestHeaders(
  request: IncomingMessage,
  port: number,
): Record<string, string | string[]> {
  const drop = hopNames(request.headers);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (value !== undefined && !drop.has(name)) headers[name] = value;
  headers.host = `127.0.0.1:${port}`;
  headers['x-forwarded-for'] = forwardedFor(request);
  return headers;
}

/** A response's headers for the client: hop-by-hop removed, the gateway named. */
export function forwardResponseHeaders(
  headers: IncomingHttpHeaders,
  gateway: string,
): Record<string, string | string[]> {
  const drop = hopNames(headers);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && !drop.has(name)) out[name] = value;
  out[GATEWAY_HEADER] = gateway;
  return out;
}

/**
 * The raw head of an upgrade request for the gateway, header lines in the
 * client's order and spelling but `Host` and `X-Forwarded-For` rewritten.
 * With `plain`, the `Upgrade` and `Connection` headers are left out and the
 * gateway is asked to close after answering: a plain GET.
 */
export function upgradeRequestHead(request: IncomingMessage, port: number, plain: boolean): string {
  const skip = new Set(['host', 'x-forwarded-for', ...(plain ? ['upgrade', 'connection'] : [])]);
  const lines = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/1.1`];
  const raw = request.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (!skip.has(name.toLowerCase())) lines.push(`${name}: ${raw[i + 1] ?? ''}`);
  }
  lines.push(`Host: 127.0.0.1:${port}`, `X-Forwarded-For: ${forwardedFor(request)}`);
  if (plain) lines.push('Connection: close');
  return `${lines.join('\r\n')}\r\n\r\n`;
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
