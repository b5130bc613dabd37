/**
 * The balancer's decisions (issue #12, the Scaling lab): which gateway takes a
 * request or a WebSocket upgrade, under each policy. Pure: the proxying, the
 * sockets and the registry live on the server; this file only decides, so the
 * server, the page's drawing and the tests agree on where a user lands.
 */
import { hash32, HashRing } from './hash-ring';

export const BALANCER_POLICIES = [
  'round-robin',
  'least-connections',
  'sticky',
  'consistent-hash',
  'l7-no-upgrade',
] as const;

export type BalancerPolicy = (typeof BALANCER_POLICIES)[number];

/** What the balancer sees of a request: the participant's `client=` label, and whether it asks to upgrade. */
export interface RouteRequest {
  readonly user?: string | undefined;
  readonly upgrade: boolean;
}

/** A gateway as the balancer knows it: its name, whether it is up, and its open connections. */
export interface GatewayStatus {
  readonly name: string;
  readonly up: boolean;
  readonly connections: number;
}

/** Why a request was refused: no gateway to take it, or an L7 proxy that drops `Upgrade`. */
export type RefusalReason = 'no-gateway-up' | 'upgrade-not-forwarded';

/** The gateway chosen, with what the trace's `route` step records: the policy and the key (the user, or null). */
export interface RouteChoice {
  readonly gateway: string;
  readonly policy: BalancerPolicy;
  readonly key: string | null;
}

/** A refusal, with a stable reason for code and a sentence for people. */
export interface RouteRefusal {
  readonly refusal: string;
  readonly reason: RefusalReason;
  readonly policy: BalancerPolicy;
  readonly key: string | null;
}

export type RouteDecision = RouteChoice | RouteRefusal;

export function isRefusal(decision: RouteDecision): decision is RouteRefusal {
  return 'refusal' in decision;
}

const NO_GATEWAY_UP =
  'no gateway is up to take the request: restart one, or add one, and the balancer routes again';
const UPGRADE_NOT_FORWARDED =
  'this layer 7 proxy forwards HTTP but not the WebSocket Upgrade header, so the handshake ' +
  'cannot reach a gateway: the client falls back to long polling';

/**
 * The balancer's little state: the round-robin turn, the sticky table (user →
 * the gateway it landed on, standing in for a cookie) and the ring of the
 * current gateway names, rebuilt only when the names change.
 */
export class Balancer {
  private turn = 0;
  private readonly landed = new Map<string, string>();
  private ringNames = '';
  private ringOfNames = new HashRing();

  /** Decides where one new request or connection goes. */
  route(
    policy: BalancerPolicy,
    request: RouteRequest,
    gateways: readonly GatewayStatus[],
  ): RouteDecision {
    const key = request.user === undefined || request.user === '' ? null : request.user;
    const refuse = (reason: RefusalReason, refusal: string): RouteRefusal => ({
      refusal,
      reason,
      policy,
      key,
    });
    if (policy === 'l7-no-upgrade' && request.upgrade) {
      return refuse('upgrade-not-forwarded', UPGRADE_NOT_FORWARDED);
    }
    const gateway = this.choose(policy, key, gateways);
    return gateway === undefined
      ? refuse('no-gateway-up', NO_GATEWAY_UP)
      : { gateway, policy, key };
  }

  /** The ring over every gateway's name, up or down (a down one is walked past, not removed); for reading and drawing, not for changing. */
  ring(gateways: readonly GatewayStatus[]): HashRing {
    const names = gateways.map((gateway) => gateway.name).sort();
    const joined = names.join('\n');
    if (joined !== this.ringNames) {
      this.ringNames = joined;
      this.ringOfNames = new HashRing(names);
    }
    return this.ringOfNames;
  }

  /** Where a user landed under sticky, if anywhere yet. */
  stickyGateway(user: string): string | undefined {
    return this.landed.get(user);
  }

  private choose(
    policy: BalancerPolicy,
    key: string | null,
    gateways: readonly GatewayStatus[],
  ): string | undefined {
    switch (policy) {
      case 'round-robin':
      case 'l7-no-upgrade':
        return this.roundRobin(gateways);
      case 'least-connections':
        return leastConnections(gateways);
      // Sticky and consistent hashing route by user; a request without a label
      // has nothing to route by, so it goes round-robin like any other.
      case 'sticky':
        return key === null ? this.roundRobin(gateways) : this.sticky(key, gateways);
      case 'consistent-hash': {
        if (key === null) return this.roundRobin(gateways);
        const up = new Set(gateways.filter((g) => g.up).map((g) => g.name));
        return this.ring(gateways).lookupWhere(key, (name) => up.has(name));
      }
    }
  }

  /** The next gateway that is up, from where the last turn ended, in list order. */
  private roundRobin(gateways: readonly GatewayStatus[]): string | undefined {
    const count = gateways.length;
    for (let step = 0; step < count; step += 1) {
      const index = (this.turn + step) % count;
      const gateway = gateways[index];
      if (gateway?.up === true) {
        this.turn = index + 1;
        return gateway.name;
      }
    }
    return undefined;
  }

  /** Keeps the gateway a user first landed on while it is up; else picks round-robin and remembers. */
  private sticky(user: string, gateways: readonly GatewayStatus[]): string | undefined {
    const kept = this.landed.get(user);
    if (kept !== undefined && gateways.some((g) => g.name === kept && g.up)) return kept;
    const chosen = this.roundRobin(gateways);
    if (chosen !== undefined) this.landed.set(user, chosen);
    return chosen;
  }
}

/** The up gateway with the fewest open connections; a tie goes to the first name in order. */
export function leastConnections(gateways: readonly GatewayStatus[]): string | undefined {
  let best: GatewayStatus | undefined;
  for (const gateway of gateways) {
    if (!gateway.up) continue;
    if (best === undefined || gateway.connections < best.connections) best = gateway;
    else if (gateway.connections === best.connections && gateway.name < best.name) best = gateway;
  }
  return best?.name;
}

/** How a user is placed on a set of gateway names, for counting who moves when the set changes. */
export type KeyPlacement = 'consistent-hash' | 'modulo-hash';

/**
 * The naive placement, for comparison: `hash(user) % N` over the names in the
 * order given. Going from N to N + 1 gateways keeps a user only where both
 * remainders agree — about 1/(N + 1) of them — so nearly everyone moves.
 */
export function moduloGateway(key: string, gateways: readonly string[]): string | undefined {
  return gateways.length === 0 ? undefined : gateways[hash32(key) % gateways.length];
}

function placer(placement: KeyPlacement, gateways: readonly string[]): (key: string) => unknown {
  if (placement === 'modulo-hash') return (key) => moduloGateway(key, gateways);
  const ring = new HashRing(gateways);
  return (key) => ring.lookup(key);
}

/**
 * How many of the keys (users) change gateway between two sets of gateway
 * names under a placement: the "k of n users moved" figure. Consistent hashing
 * moves about 1/N when one is added or removed; modulo hashing moves most.
 */
export function movedKeys(
  before: readonly string[],
  after: readonly string[],
  keys: readonly string[],
  placement: KeyPlacement = 'consistent-hash',
): { moved: number; total: number } {
  const was = placer(placement, before);
  const is = placer(placement, after);
  const moved = keys.filter((key) => was(key) !== is(key)).length;
  return { moved, total: keys.length };
}
