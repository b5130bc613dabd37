/**
 * What the simulation puts "on the wire": HTTP/1.1 heads and bodies as the simulated server
 * would write them, and their sizes. No network carries them, so these are the encoded sizes
 * the simulation computes — the request's own line and the headers the page's request shows
 * (a browser adds more it never shows a page), the response's line and the headers the
 * simulation sets. Counters label them as simulated.
 */
import { utf8Bytes } from '../core';
import { redactHeaderValue } from '../core/redact';

const STATUS_TEXT: Record<number, string> = {
  101: 'Switching Protocols',
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  426: 'Upgrade Required',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** A request as the simulated server reads it: its line and the headers it can see. */
export interface WireRequest {
  method: string;
  /** Path and query, as sent. */
  target: string;
  host: string;
  headers: Record<string, string>;
  bodyBytes: number;
}

function headBytes(firstLine: string, headers: Record<string, string>): number {
  let bytes = utf8Bytes(`${firstLine}\r\n`);
  for (const [name, value] of Object.entries(headers)) bytes += utf8Bytes(`${name}: ${value}\r\n`);
  return bytes + 2;
}

/** Reads what the simulation knows of a fetch `Request`: its line, the Host and the headers it shows. */
export async function wireRequest(request: Request, body?: string): Promise<WireRequest> {
  const url = new URL(request.url);
  const headers: Record<string, string> = { Host: url.host };
  request.headers.forEach((value, name) => {
    headers[name] = redactHeaderValue(name, value);
  });
  return {
    method: request.method,
    target: `${url.pathname}${url.search}`,
    host: url.host,
    headers,
    bodyBytes: body === undefined ? 0 : utf8Bytes(body),
  };
}

export function requestHeadBytes(request: WireRequest): number {
  const { Host: host, ...rest } = request.headers;
  return headBytes(`${request.method} ${request.target} HTTP/1.1`, { Host: host ?? '', ...rest });
}

/** The head of a response the simulation writes: status line and headers. */
export function responseHeadBytes(status: number, headers: Record<string, string>): number {
  return headBytes(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}`.trimEnd(), headers);
}

/** The headers of a JSON answer with its length, as the lab server sends them. */
export function jsonHeaders(body: string): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(utf8Bytes(body)),
    'cache-control': 'no-store',
  };
}

/** An event stream's head (server/sse.ts writes the same headers). */
export const SSE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
  'Transfer-Encoding': 'chunked',
};

/**
 * The upgrade's answer (RFC 6455 §4.2.2): status 101 and the three headers a server must
 * send; the accept key is always 28 characters of base64 (a SHA-1).
 */
export const UPGRADE_HEAD_BYTES = responseHeadBytes(101, {
  Upgrade: 'websocket',
  Connection: 'Upgrade',
  'Sec-WebSocket-Accept': 'x'.repeat(28),
});

/**
 * What a browser's upgrade request adds to the URL and Host (RFC 6455 §4.1): the upgrade
 * headers, version 13, a 24-character base64 key, and the page's Origin.
 */
export function upgradeRequestHeadBytes(url: URL, origin: string): number {
  return headBytes(`GET ${url.pathname}${url.search} HTTP/1.1`, {
    Host: url.host,
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'x'.repeat(24),
    Origin: origin,
  });
}
