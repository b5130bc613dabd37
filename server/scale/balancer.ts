/**
 * The Scaling lab's balancer as a real proxy on its own port (issue #12): it
 * listens on 127.0.0.1 in front of a changeable set of gateways, decides each
 * request's and each upgrade's gateway with the core `Balancer` under a policy
 * that can be switched while running, and forwards it with http-proxy-3
 * (proxy.ts). The user key is the request's `client=`
 * label. It has no paths of its own: everything is proxied.
 */
import {
  Agent,
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  Balancer,
  isRefusal,
  type BalancerPolicy,
  type GatewayStatus,
  type RefusalReason,
  type Technique,
} from '../../src/core';
import { LinkRegistry, type Link, type ProxiedConnection } from './links';
import { GatewayProxy, sendRefusal, type HttpTarget } from './proxy';
import { rawRefusal, refusal, requestMeta, type RequestMeta } from './request-meta';

export type { ProxiedConnection } from './links';
export { GATEWAY_HEADER } from './request-meta';

/** A gateway behind the balancer: its name (`gateway-1`), its port on 127.0.0.1, and whether it is up. */
export interface GatewayEntry {
  readonly name: string;
  readonly port: number;
  readonly up: boolean;
}

/** One routing decision, for the trace: the gateway chosen, or why none was. */
export interface RouteInfo {
  readonly user: string | null;
  readonly policy: BalancerPolicy;
  readonly path: string;
  /** The technique the request belongs to (a publish or another route: none). */
  readonly technique?: Technique;
  /** The request's `rid=` label: the browser's id for it. */
  readonly conn?: string;
  readonly upgrade: boolean;
  /** The gateway the request went to (under `l7-no-upgrade`, an upgrade goes as a plain GET). */
  readonly gateway?: string;
  /** `no-gateway-up` (nothing forwarded), or `upgrade-not-forwarded` (forwarded without its Upgrade). */
  readonly refusal?: RefusalReason;
}

export interface LabBalancerOptions {
  readonly gateways?: readonly GatewayEntry[];
  readonly policy?: BalancerPolicy;
  /** Told of every routing decision, as it is made. */
  readonly onRoute?: (info: RouteInfo) => void;
}

/** Where one request goes: a gateway (plain when its upgrade is not forwarded), or nowhere. */
type Destination = { target: HttpTarget; plain: boolean } | null;

export class LabBalancer {
  private readonly router = new Balancer();
  private readonly links = new LinkRegistry();
  /** One TCP connection per proxied request: a gateway's crash takes only what it held. */
  private readonly agent = new Agent({ keepAlive: false });
  private readonly proxy = new GatewayProxy(this.agent);
  private readonly server: Server;
  private list: readonly GatewayEntry[];
  private current: BalancerPolicy;
  private readonly onRoute: (info: RouteInfo) => void;

  constructor(options: LabBalancerOptions = {}) {
    this.list = options.gateways ?? [];
    this.current = options.policy ?? 'consistent-hash';
    this.onRoute = options.onRoute ?? (() => undefined);
    this.server = createServer((request, response) => this.handle(request, response));
    // No socket timeout: a held long poll (up to 120 s) or a stream is idle by design.
    this.server.timeout = 0;
    this.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(request, socket, head),
    );
  }

  /** Listens on 127.0.0.1 (port 0: a free one) and resolves with the port. */
  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.port;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get policy(): BalancerPolicy {
    return this.current;
  }

  /** Switches the policy; connections already open stay where they are. */
  setPolicy(policy: BalancerPolicy): void {
    this.current = policy;
  }

  gateways(): readonly GatewayEntry[] {
    return this.list;
  }

  /** Replaces the set of gateways (added, removed, marked up or down, a new port after a restart). */
  setGateways(gateways: readonly GatewayEntry[]): void {
    this.list = [...gateways];
  }

  /** Open proxied connections to a gateway: HTTP requests in flight and upgraded sockets. */
  openConnections(gateway: string): number {
    return this.links.count(gateway);
  }

  /** Every open proxied connection: whose it is, its technique, its gateway and its `rid=`. */
  connections(): ProxiedConnection[] {
    return this.links.list();
  }

  /** Destroys every proxied socket to a gateway abruptly (the gateway is killed); returns how many connections ended. */
  destroyConnectionsTo(gateway: string): number {
    return this.links.destroyTo(gateway);
  }

  /** Stops listening and destroys every proxied connection. */
  async close(): Promise<void> {
    this.links.destroyAll();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    this.proxy.close();
    this.agent.destroy();
    await closed;
  }

  private statuses(): GatewayStatus[] {
    return this.list.map((g) => ({
      name: g.name,
      up: g.up,
      connections: this.links.count(g.name),
    }));
  }

  /**
   * Routes one request and reports the decision. Under `l7-no-upgrade` an
   * upgrade is refused by the core; it is then routed again as the plain GET
   * that this kind of proxy actually sends on.
   */
  private route(meta: RequestMeta, upgrade: boolean): Destination {
    const policy = this.current;
    const gateways = this.statuses();
    const request = { user: meta.user ?? undefined, upgrade };
    let decision = this.router.route(policy, request, gateways);
    let plain = false;
    if (isRefusal(decision) && decision.reason === 'upgrade-not-forwarded') {
      plain = true;
      decision = this.router.route(policy, { ...request, upgrade: false }, gateways);
    }
    const info = {
      user: meta.user,
      policy,
      path: meta.path,
      upgrade,
      ...(meta.technique === undefined ? {} : { technique: meta.technique }),
      ...(meta.conn === undefined ? {} : { conn: meta.conn }),
    };
    if (isRefusal(decision)) {
      this.onRoute({ ...info, refusal: decision.reason });
      return null;
    }
    const target = this.list.find((g) => g.name === decision.gateway);
    this.onRoute({
      ...info,
      gateway: decision.gateway,
      ...(plain ? { refusal: 'upgrade-not-forwarded' } : {}),
    });
    return target === undefined
      ? null
      : { target: { name: target.name, port: target.port }, plain };
  }

  private link(meta: RequestMeta, gateway: string): Link {
    return this.links.add({
      user: meta.user,
      gateway,
      ...(meta.technique === undefined ? {} : { technique: meta.technique }),
      ...(meta.conn === undefined ? {} : { conn: meta.conn }),
    });
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const meta = requestMeta(request);
    const destination = this.route(meta, false);
    if (destination === null) {
      sendRefusal(response, refusal('NO_GATEWAY'));
      return;
    }
    const { target } = destination;
    this.proxy.web(request, response, target, this.link(meta, target.name));
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const meta = requestMeta(request);
    const destination = this.route(meta, true);
    if (destination === null) {
      socket.on('error', () => undefined);
      socket.end(rawRefusal(refusal('NO_GATEWAY')));
      return;
    }
    this.proxy.ws(request, socket, head, destination, this.link(meta, destination.target.name));
  }
}
