/**
 * The balancer's forwarding, on http-proxy-3 (the proxy Vite's dev server
 * uses): HTTP requests with `web`, WebSocket upgrades with `ws`. The choice of
 * gateway is the balancer's; this module only carries bytes there and back,
 * with three things of the lab's own on top:
 * - every answer names its gateway (`X-Lab-Gateway`), the 101 of an upgrade
 *   included;
 * - a crash looks like a crash: a gateway that dies before answering gives the
 *   balancer's own 502, one that dies mid-answer ends the client's connection
 *   (never a made-up end of a stream);
 * - `plain` forwards an upgrade as the plain GET that a layer 7 proxy without
 *   WebSocket support sends on: the gateway's 426 comes back.
 * Nothing is buffered: an SSE stream's head goes out at once and its events as
 * the gateway writes them; a long poll is held as long as the gateway holds it
 * (no proxy timeout).
 */
import type { Agent, ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import type { Link } from './links';
import { GATEWAY_HEADER, rawRefusal, refusal, type Refusal } from './request-meta';

export interface HttpTarget {
  readonly name: string;
  readonly port: number;
}

/** Where an upgrade goes, and whether as a plain GET (its `Upgrade` left out). */
export interface UpgradeForward {
  readonly target: HttpTarget;
  readonly plain: boolean;
}

/** What one forwarded request or upgrade is: its gateway and the registry entry that counts it. */
interface Forwarded {
  readonly target: HttpTarget;
  readonly link: Link;
  readonly plain: boolean;
  /** Whether the gateway's answer head has come back (after it, no 502 of our own). */
  answered: boolean;
}

export function sendRefusal(response: ServerResponse, answer: Refusal): void {
  response.writeHead(answer.status, answer.headers).end(answer.body);
}

const lower = GATEWAY_HEADER.toLowerCase();

export class GatewayProxy {
  private readonly proxy;
  private readonly forwarded = new WeakMap<IncomingMessage, Forwarded>();

  constructor(agent: Agent) {
    // changeOrigin: `Host` is the gateway's; xfwd: `X-Forwarded-For` (and -Port, -Proto) added.
    this.proxy = createProxyServer({ agent, changeOrigin: true, xfwd: true });
    // Each call passes its own error callback; this only keeps a stray one from ending the lab.
    this.proxy.on('error', () => undefined);
    this.proxy.on('proxyReq', (_upstream, request, _response, _options, socket) => {
      this.forwarded.get(request)?.link.attach(socket);
    });
    this.proxy.on('proxyRes', (answer, request, response) => {
      const forwarded = this.forwarded.get(request);
      if (forwarded === undefined) return;
      forwarded.answered = true;
      answer.headers[lower] = forwarded.target.name;
      // The library copies the head onto the response in this tick; send it now, not with
      // the first chunk (an SSE stream's head, a held poll's nothing-yet).
      process.nextTick(() => {
        if (!response.headersSent && !response.destroyed) response.flushHeaders();
      });
      // The gateway died mid-answer: the client's connection ends too, unfinished.
      answer.on('error', () => response.destroy());
      answer.once('close', () => {
        if (!answer.complete) response.destroy();
      });
    });
    this.proxy.on('proxyReqWs', (upstream, request, client) => {
      const forwarded = this.forwarded.get(request);
      if (forwarded !== undefined) this.prepareUpgrade(upstream, client, forwarded);
    });
    // An upgraded pair: either socket may die (a killed gateway, a closed tab) at any time.
    this.proxy.on('open', (upstream) => upstream.on('error', () => undefined));
  }

  /** Forwards `request` to the gateway and its answer back; `link` counts it until it ends. */
  web(request: IncomingMessage, response: ServerResponse, target: HttpTarget, link: Link): void {
    const forwarded: Forwarded = { target, link, plain: false, answered: false };
    this.forwarded.set(request, forwarded);
    link.attach(request.socket);
    response.once('close', () => link.close());
    this.proxy.web(request, response, { target: `http://127.0.0.1:${target.port}` }, () => {
      // Before an answer: a 502 of the balancer's own; after one began, the connection just ends.
      if (response.headersSent) response.destroy();
      else sendRefusal(response, refusal('BAD_GATEWAY', target.name));
    });
  }

  /** Forwards one upgrade to the gateway; `link` counts the socket pair until either closes. */
  ws(request: IncomingMessage, client: Duplex, head: Buffer, to: UpgradeForward, link: Link): void {
    const forwarded: Forwarded = { target: to.target, link, plain: to.plain, answered: false };
    this.forwarded.set(request, forwarded);
    link.attach(client);
    client.once('close', () => link.close());
    client.on('error', () => undefined);
    this.proxy.ws(request, client, head, { target: `http://127.0.0.1:${to.target.port}` }, () => {
      // The library ends the client's socket after this; a 502 first, if nothing was answered.
      if (!forwarded.answered && client.writable) {
        client.write(rawRefusal(refusal('BAD_GATEWAY', to.target.name)));
      }
    });
  }

  /** Names the gateway on the answer head (101 or a refusal) before the library writes it. */
  private prepareUpgrade(upstream: ClientRequest, client: Duplex, forwarded: Forwarded): void {
    if (forwarded.plain) {
      upstream.removeHeader('upgrade');
      upstream.setHeader('connection', 'close');
    }
    upstream.on('socket', (socket: Socket) => forwarded.link.attach(socket));
    const name = (answer: IncomingMessage): void => {
      forwarded.answered = true;
      answer.headers[lower] = forwarded.target.name;
      // A refusal's body is relayed by hand; a gateway gone mid-body ends the client's socket.
      answer.on('error', () => client.destroy());
    };
    // Registered before the library's own listeners (it emits proxyReqWs first): they run first.
    upstream.prependListener('upgrade', name);
    upstream.prependListener('response', name);
  }

  close(): void {
    this.proxy.close();
  }
}
