/**
 * Forwarding a WebSocket upgrade with node:net, by hand: a TCP connection to
 * the gateway, the request head written on it, and — once the gateway's
 * answer head has come back with `X-Lab-Gateway` inserted — the two sockets
 * piped both ways, frames and all; the balancer reads none of them. Whatever
 * the gateway answers (101, or a 403/426/503 refusal) goes back the same way.
 */
import { connect, type Socket } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Link } from './links';
import type { HttpTarget } from './proxy-http';
import { GATEWAY_HEADER, rawRefusal, refusal, upgradeRequestHead } from './request-meta';

/** A gateway's answer head larger than this is not one: the upgrade fails as a bad gateway. */
const MAX_HEAD_BYTES = 64 * 1024;
const HEAD_END = '\r\n\r\n';

export interface UpgradeForward {
  readonly target: HttpTarget;
  /**
   * Forward as a plain GET, without `Upgrade` and `Connection`: what a layer 7
   * proxy that does not pass `Upgrade` does. The gateway then answers the
   * WebSocket endpoint's 426, the browser's WebSocket fails, and the lab's
   * client falls back to long polling.
   */
  readonly plain: boolean;
}

/** The answer head with the gateway named, just before its blank line. */
function namedHead(buffered: Buffer, end: number, gateway: string): Buffer {
  return Buffer.concat([
    buffered.subarray(0, end),
    Buffer.from(`\r\n${GATEWAY_HEADER}: ${gateway}`),
    buffered.subarray(end),
  ]);
}

/**
 * Reads the gateway's answer head, writes it to the client with the gateway
 * named, then pipes the rest; `answered` is told when the head has come.
 */
function relayHead(upstream: Socket, client: Duplex, gateway: string, answered: () => void): void {
  let buffered = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    buffered = Buffer.concat([buffered, chunk]);
    const end = buffered.indexOf(HEAD_END);
    if (end === -1) {
      if (buffered.length > MAX_HEAD_BYTES) upstream.destroy(new Error('answer head too large'));
      return;
    }
    upstream.off('data', onData);
    answered();
    client.write(namedHead(buffered, end, gateway));
    upstream.pipe(client);
  };
  upstream.on('data', onData);
}

/** Forwards one upgrade request to the gateway; `link` counts the socket pair until either closes. */
export function proxyUpgrade(
  request: IncomingMessage,
  client: Duplex,
  head: Buffer,
  forward: UpgradeForward,
  link: Link,
): void {
  const { name, port } = forward.target;
  const upstream = connect({ host: '127.0.0.1', port });
  link.attach(client);
  link.attach(upstream);
  let answered = false;
  // Written at once: the socket keeps it until it connects, so nothing the client sends is lost.
  upstream.write(upgradeRequestHead(request, port, forward.plain));
  if (head.length > 0) upstream.write(head);
  client.pipe(upstream);
  relayHead(upstream, client, name, () => {
    answered = true;
  });
  // Refused or failed before answering: a 502 of the balancer's own; after, the client's
  // connection just ends (abruptly if the gateway's did), as from the crash itself.
  upstream.on('error', () => undefined);
  upstream.once('close', (hadError) => {
    link.close();
    if (!client.writable) return;
    if (!answered) client.end(rawRefusal(refusal('BAD_GATEWAY', name)));
    else if (hadError) client.destroy();
  });
  client.on('error', () => upstream.destroy());
  client.once('close', () => {
    link.close();
    upstream.destroy();
  });
}
