/**
 * Forwarding one HTTP request to a gateway with node:http, by hand (the
 * proxying is the lesson): the method, path, headers and body go up as they
 * come, the status, headers and body come down as they come. Nothing is
 * buffered — an SSE stream's events flow as the gateway writes them — and
 * nothing times out here: a long poll is held as long as the gateway holds it
 * (the lab's longest hold is 120 s; the balancer's socket timeout is off, Node's
 * `requestTimeout` counts only until the request has arrived, and the upstream
 * request has none).
 */
import {
  Agent,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { Link } from './links';
import {
  forwardRequestHeaders,
  forwardResponseHeaders,
  refusal,
  type Refusal,
} from './request-meta';

export interface HttpTarget {
  readonly name: string;
  readonly port: number;
}

export function sendRefusal(response: ServerResponse, answer: Refusal): void {
  response.writeHead(answer.status, answer.headers).end(answer.body);
}

/**
 * The gateway failed: before it answered, a 502 of the balancer's own; once
 * its bytes have flowed, the client's connection just ends, as from the crash
 * itself — no made-up answer after a real one began.
 */
function failed(response: ServerResponse, gateway: string): void {
  if (response.headersSent) response.destroy();
  else sendRefusal(response, refusal('BAD_GATEWAY', gateway));
}

/** Streams the gateway's answer down, naming the gateway; a gateway gone mid-answer ends the client's connection. */
function relayResponse(upstream: IncomingMessage, response: ServerResponse, gateway: string): void {
  response.writeHead(
    upstream.statusCode ?? 502,
    upstream.statusMessage,
    forwardResponseHeaders(upstream.headers, gateway),
  );
  // An SSE stream's head goes out now, not with its first event.
  response.flushHeaders();
  upstream.pipe(response);
  upstream.on('error', () => response.destroy());
  upstream.once('close', () => {
    if (!upstream.complete) response.destroy();
  });
}

/** Forwards `request` to the gateway and its answer back; `link` counts it until it ends. */
export function proxyHttp(
  request: IncomingMessage,
  response: ServerResponse,
  target: HttpTarget,
  agent: Agent,
  link: Link,
): void {
  link.attach(request.socket);
  const upstream = httpRequest({
    host: '127.0.0.1',
    port: target.port,
    method: request.method,
    path: request.url,
    headers: forwardRequestHeaders(request, target.port),
    agent,
  });
  upstream.on('socket', (socket) => link.attach(socket));
  upstream.on('response', (answer) => relayResponse(answer, response, target.name));
  upstream.on('error', () => failed(response, target.name));
  // The client went away (or the answer is complete): the request upstream is done with too.
  response.once('close', () => {
    link.close();
    if (!response.writableFinished) upstream.destroy();
  });
  request.pipe(upstream);
}
