/**
 * The balancer's `route` steps (protocol.md, "Scaling lab"): one per routing
 * decision, observer `server`, actor `balancer`, on the main lab's observer
 * stream. It also remembers the users the balancer has routed and, under
 * sticky, where each landed — what "k of n users moved" is counted over.
 *
 * `RouteInfo` carries neither the request's `rid=` nor its method, but the
 * balancer opens the request's link (which has both, as its technique and conn)
 * in the same tick as it decides; the step is therefore built a microtask
 * later, from the newest link to the same user and gateway it has not used yet.
 * A refused request opens no link: its conn is `balancer-<n>`.
 */
import {
  ERROR_CODES,
  traceClock,
  type Technique,
  type TraceDetails,
  type TraceEventInput,
} from '../../src/core';
import type { TraceSink } from '../observer-stream';
import type { ProxiedConnection, RouteInfo } from './balancer';

/** The technique of a lab path when the method does not matter (`…/messages` is a poll or a publish: null). */
function techniqueOfPath(path: string): Technique | null {
  const match = /^\/api\/channels\/[^/]+\/(long-poll|events|ws)$/.exec(path);
  switch (match?.[1]) {
    case 'long-poll':
      return 'long-poll';
    case 'events':
      return 'sse';
    case 'ws':
      return 'websocket';
    default:
      return null;
  }
}

/** The sentence of a route step: the policy, who, and where to — or why nowhere. */
export function routeNote(info: RouteInfo): string {
  const who = info.user ?? 'a request without a client= label';
  if (info.gateway === undefined)
    return `${info.policy}: no gateway is up for ${who}; refused with 503`;
  if (info.refusal === 'upgrade-not-forwarded')
    return `${info.policy}: the Upgrade is not forwarded; ${who} → ${info.gateway} as a plain GET`;
  const byUser = info.policy === 'sticky' || info.policy === 'consistent-hash';
  if (byUser && info.user === null)
    return `${info.policy}: no user to route by, so round-robin → ${info.gateway}`;
  return `${info.policy}: ${who} → ${info.gateway}`;
}

export class RouteTrace {
  private readonly users = new Set<string>();
  private readonly landed = new Map<string, string>();
  /** Links a route step has been built from already. */
  private readonly used = new WeakSet<ProxiedConnection>();
  private unnamed = 0;

  constructor(
    private readonly sink: TraceSink | undefined,
    /** The balancer's open links, oldest first. */
    private readonly links: () => readonly ProxiedConnection[],
  ) {}

  /** The users the balancer has routed, in the order first seen. */
  routedUsers(): string[] {
    return [...this.users];
  }

  /** Under sticky: the gateway each user landed on last. */
  stickyPlaces(): ReadonlyMap<string, string> {
    return this.landed;
  }

  /** The balancer's `onRoute`. */
  readonly onRoute = (info: RouteInfo): void => {
    if (info.user !== null) {
      this.users.add(info.user);
      if (info.policy === 'sticky' && info.gateway !== undefined)
        this.landed.set(info.user, info.gateway);
    }
    const sink = this.sink;
    if (sink?.active !== true) return;
    const t = traceClock();
    queueMicrotask(() => {
      if (sink.active) sink.forward(this.step(info, t));
    });
  };

  private step(info: RouteInfo, t: number): TraceEventInput {
    const link = info.gateway === undefined ? undefined : this.linkOf(info.user, info.gateway);
    const details: TraceDetails = {
      policy: info.policy,
      routeKey: info.user ?? '',
      url: info.path,
      note: routeNote(info),
    };
    if (info.gateway === undefined) details.errorCode = ERROR_CODES.NO_GATEWAY;
    else details.gateway = info.gateway;
    const event: TraceEventInput = {
      t,
      observer: 'server',
      actor: 'balancer',
      technique: link?.technique ?? techniqueOfPath(info.path),
      conn: link?.conn ?? `balancer-${++this.unnamed}`,
      kind: 'route',
      dir: 'up',
      details,
    };
    if (info.user !== null) event.peer = info.user;
    return event;
  }

  /** The newest link to `gateway` of `user` that no step was built from yet. */
  private linkOf(user: string | null, gateway: string): ProxiedConnection | undefined {
    const links = this.links();
    for (let i = links.length - 1; i >= 0; i--) {
      const link = links[i];
      if (link === undefined || this.used.has(link)) continue;
      if (link.user !== user || link.gateway !== gateway) continue;
      this.used.add(link);
      return link;
    }
    return undefined;
  }
}
