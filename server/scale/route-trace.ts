/**
 * The balancer's `route` steps (protocol.md, "Scaling lab"): one per routing
 * decision, observer `server`, actor `balancer`, on the main lab's observer
 * stream; its conn is the request's `rid=` (`balancer-<n>` without one). It
 * also remembers the users the balancer has routed and, under sticky, where
 * each landed — what "k of n users moved" is counted over.
 */
import { ERROR_CODES, traceClock, type TraceDetails, type TraceEventInput } from '../../src/core';
import type { TraceSink } from '../observer-stream';
import type { RouteInfo } from './balancer';

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
  private unnamed = 0;

  constructor(private readonly sink: TraceSink | undefined) {}

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
    if (this.sink?.active === true) this.sink.forward(this.step(info));
  };

  private step(info: RouteInfo): TraceEventInput {
    const details: TraceDetails = {
      policy: info.policy,
      routeKey: info.user ?? '',
      url: info.path,
      note: routeNote(info),
    };
    if (info.gateway === undefined) details.errorCode = ERROR_CODES.NO_GATEWAY;
    else details.gateway = info.gateway;
    const event: TraceEventInput = {
      t: traceClock(),
      observer: 'server',
      actor: 'balancer',
      technique: info.technique ?? null,
      conn: info.conn ?? `balancer-${++this.unnamed}`,
      kind: 'route',
      dir: 'up',
      details,
    };
    if (info.user !== null) event.peer = info.user;
    return event;
  }
}
