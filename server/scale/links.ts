/**
 * The balancer's open proxied connections ("links"): an HTTP request in
 * flight, or an upgraded socket pair, each tied to the gateway it went to and
 * to the sockets on both sides. Counted per gateway (least-connections reads
 * it), listed for the connection registry, and destroyed abruptly per gateway
 * when a gateway is killed.
 */
import type { Duplex } from 'node:stream';
import type { Technique } from '../../src/core';

/** One proxied connection as the registry lists it. */
export interface ProxiedConnection {
  readonly user: string | null;
  readonly technique?: Technique;
  readonly gateway: string;
  readonly conn?: string;
}

/** A link while it is open: its sockets are added as they come, and it is closed once. */
export interface Link {
  readonly info: ProxiedConnection;
  /** Ties a socket to the link, so killing the gateway destroys it too. */
  attach(socket: Duplex): void;
  /** Ends the link's count (idempotent); its sockets are left alone. */
  close(): void;
}

export class LinkRegistry {
  private readonly open = new Map<Link, Set<Duplex>>();

  /** Opens a link to a gateway; it counts until `close()` or `destroyTo(gateway)`. */
  add(info: ProxiedConnection): Link {
    const sockets = new Set<Duplex>();
    const link: Link = {
      info,
      attach: (socket) => {
        if (this.open.has(link)) sockets.add(socket);
      },
      close: () => {
        this.open.delete(link);
      },
    };
    this.open.set(link, sockets);
    return link;
  }

  count(gateway: string): number {
    let count = 0;
    for (const link of this.open.keys()) if (link.info.gateway === gateway) count += 1;
    return count;
  }

  list(): ProxiedConnection[] {
    return [...this.open.keys()].map((link) => link.info);
  }

  /**
   * Destroys every socket of every link to `gateway` at once, as a crash does:
   * no close frame, no last chunk, no FIN handshake niceties. Returns how many
   * links it ended.
   */
  destroyTo(gateway: string): number {
    return this.destroyWhere((link) => link.info.gateway === gateway);
  }

  /** Destroys every link (the balancer is closing). */
  destroyAll(): void {
    this.destroyWhere(() => true);
  }

  private destroyWhere(match: (link: Link) => boolean): number {
    const ended = [...this.open].filter(([link]) => match(link));
    for (const [link, sockets] of ended) {
      this.open.delete(link);
      for (const socket of sockets) socket.destroy();
    }
    return ended.length;
  }
}
