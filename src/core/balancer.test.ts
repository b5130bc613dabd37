import { describe, expect, it } from 'vitest';
import {
  Balancer,
  BALANCER_POLICIES,
  isRefusal,
  leastConnections,
  moduloGateway,
  movedKeys,
  type BalancerPolicy,
  type GatewayStatus,
  type RouteDecision,
  type RouteRequest,
} from './balancer';
import { hash32, HashRing } from './hash-ring';

const USERS = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
const HTTP: RouteRequest = { upgrade: false };

function gateways(count: number, down: string[] = [], connections: number[] = []): GatewayStatus[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `gateway-${i + 1}`;
    return { name, up: !down.includes(name), connections: connections[i] ?? 0 };
  });
}

/** Gateway names by number: gw(1, 2, 1) is gateway-1, gateway-2, gateway-1. */
function gw(...numbers: number[]): string[] {
  return numbers.map((n) => `gateway-${n}`);
}

function names(count: number): string[] {
  return gateways(count).map((g) => g.name);
}

function chosen(decision: RouteDecision): string {
  if (isRefusal(decision)) throw new Error(`refused: ${decision.refusal}`);
  return decision.gateway;
}

function routeMany(
  balancer: Balancer,
  policy: BalancerPolicy,
  times: number,
  list: GatewayStatus[],
  request: RouteRequest = HTTP,
): string[] {
  return Array.from({ length: times }, () => chosen(balancer.route(policy, request, list)));
}

describe('round-robin', () => {
  it('sends each new request to the next gateway, in turn', () => {
    const balancer = new Balancer();
    expect(routeMany(balancer, 'round-robin', 7, gateways(3))).toEqual(gw(1, 2, 3, 1, 2, 3, 1));
    // The same user gets no say: it is the turn that decides.
    const alice = { user: 'alice', upgrade: true };
    expect(routeMany(balancer, 'round-robin', 2, gateways(3), alice)).toEqual(gw(2, 3));
  });

  it('skips gateways that are down', () => {
    const balancer = new Balancer();
    const list = gateways(4, gw(2, 3));
    expect(routeMany(balancer, 'round-robin', 4, list)).toEqual(gw(1, 4, 1, 4));
  });
});

describe('least connections', () => {
  it('picks the up gateway with the fewest open connections', () => {
    const balancer = new Balancer();
    const list = gateways(3, [], [4, 1, 2]);
    expect(chosen(balancer.route('least-connections', HTTP, list))).toBe('gateway-2');
    // A down gateway with none open is not a candidate.
    expect(leastConnections(gateways(3, ['gateway-3'], [4, 2, 0]))).toBe('gateway-2');
  });

  it('breaks a tie by name order', () => {
    expect(leastConnections(gateways(3, [], [3, 1, 1]))).toBe('gateway-2');
    const reversed = gateways(3, [], [1, 1, 1]).reverse();
    expect(leastConnections(reversed)).toBe('gateway-1');
    expect(leastConnections(gateways(2, gw(1, 2)))).toBeUndefined();
  });
});

describe('sticky by user', () => {
  it('keeps a user on the gateway it first landed on', () => {
    const balancer = new Balancer();
    const list = gateways(3);
    const alice = { user: 'alice', upgrade: true };
    const bob = { user: 'bob', upgrade: false };
    expect(chosen(balancer.route('sticky', alice, list))).toBe('gateway-1');
    expect(chosen(balancer.route('sticky', bob, list))).toBe('gateway-2');
    expect(routeMany(balancer, 'sticky', 3, list, alice)).toEqual(Array(3).fill('gateway-1'));
    expect(routeMany(balancer, 'sticky', 3, list, bob)).toEqual(Array(3).fill('gateway-2'));
    expect(balancer.stickyGateway('alice')).toBe('gateway-1');
  });

  it('picks anew when its gateway goes down, and stays on the new one', () => {
    const balancer = new Balancer();
    const alice = { user: 'alice', upgrade: false };
    expect(chosen(balancer.route('sticky', alice, gateways(3)))).toBe('gateway-1');
    const moved = chosen(balancer.route('sticky', alice, gateways(3, ['gateway-1'])));
    expect(moved).not.toBe('gateway-1');
    expect(balancer.stickyGateway('alice')).toBe(moved);
    // gateway-1 comes back: the user keeps the gateway it now holds state on.
    expect(routeMany(balancer, 'sticky', 2, gateways(3), alice)).toEqual([moved, moved]);
  });

  it('sends a request without a user label round-robin', () => {
    const balancer = new Balancer();
    expect(routeMany(balancer, 'sticky', 4, gateways(3))).toEqual(gw(1, 2, 3, 1));
    const decision = balancer.route('sticky', { user: '', upgrade: false }, gateways(3));
    expect(decision).toEqual({ gateway: 'gateway-2', policy: 'sticky', key: null });
  });
});

describe('consistent hashing by user', () => {
  it("sends each user to the ring's node for its label, whatever the turn", () => {
    const balancer = new Balancer();
    const list = gateways(3);
    const ring = new HashRing(names(3));
    for (const user of USERS.slice(0, 1_000)) {
      const decision = balancer.route('consistent-hash', { user, upgrade: true }, list);
      expect(decision).toEqual({
        gateway: ring.lookup(user),
        policy: 'consistent-hash',
        key: user,
      });
    }
    expect(balancer.ring(list).points()).toEqual(ring.points());
  });

  it('walks past a down gateway to the next distinct node; the others keep their users', () => {
    const balancer = new Balancer();
    const ring = new HashRing(names(3));
    const withoutTwo = new HashRing(gw(1, 3));
    const list = gateways(3, ['gateway-2']);
    for (const user of USERS.slice(0, 1_000)) {
      const got = chosen(balancer.route('consistent-hash', { user, upgrade: false }, list));
      const owner = ring.lookup(user);
      expect(got).toBe(owner === 'gateway-2' ? withoutTwo.lookup(user) : owner);
    }
    // The ring still holds the down gateway: it is walked past, not removed.
    expect(balancer.ring(list).nodes()).toEqual(names(3));
  });

  it('sends a request without a user label round-robin', () => {
    const balancer = new Balancer();
    expect(routeMany(balancer, 'consistent-hash', 3, gateways(3))).toEqual(names(3));
  });
});

describe('layer 7 without WebSocket support', () => {
  it('refuses an upgrade with a reason, so the client falls back to polling', () => {
    const balancer = new Balancer();
    const decision = balancer.route('l7-no-upgrade', { user: 'bob', upgrade: true }, gateways(3));
    expect(isRefusal(decision)).toBe(true);
    expect(decision).toMatchObject({
      reason: 'upgrade-not-forwarded',
      policy: 'l7-no-upgrade',
      key: 'bob',
    });
    expect(isRefusal(decision) && decision.refusal).toMatch(/Upgrade/);
  });

  it('routes HTTP requests round-robin, an upgrade taking no turn', () => {
    const balancer = new Balancer();
    const list = gateways(3, ['gateway-3']);
    const bob = { user: 'bob', upgrade: false };
    expect(chosen(balancer.route('l7-no-upgrade', bob, list))).toBe('gateway-1');
    balancer.route('l7-no-upgrade', { ...bob, upgrade: true }, list);
    expect(routeMany(balancer, 'l7-no-upgrade', 3, list, bob)).toEqual(gw(2, 1, 2));
  });
});

describe('no gateway up', () => {
  it.each(BALANCER_POLICIES)('%s refuses with a sentence', (policy) => {
    const balancer = new Balancer();
    for (const list of [gateways(3, names(3)), []]) {
      const decision = balancer.route(policy, { user: 'alice', upgrade: false }, list);
      expect(decision).toMatchObject({ reason: 'no-gateway-up', policy, key: 'alice' });
      expect(isRefusal(decision) && decision.refusal.length).toBeGreaterThan(20);
    }
  });
});

describe('moved keys', () => {
  it('consistent hashing 3 → 4 moves 20–30 % of users; removing one moves about its share', () => {
    const added = movedKeys(names(3), names(4), USERS);
    expect(added.total).toBe(10_000);
    expect(added.moved).toBeGreaterThanOrEqual(2_000);
    expect(added.moved).toBeLessThanOrEqual(3_000);
    const removed = movedKeys(names(4), gw(1, 3, 4), USERS);
    expect(removed.moved).toBeGreaterThanOrEqual(2_000);
    expect(removed.moved).toBeLessThanOrEqual(3_000);
    expect(movedKeys(names(3), names(3).reverse(), USERS).moved).toBe(0);
  });

  it('modulo hashing 3 → 4 moves more than 60 % of users', () => {
    const { moved, total } = movedKeys(names(3), names(4), USERS, 'modulo-hash');
    expect(total).toBe(10_000);
    expect(moved).toBeGreaterThan(6_000);
  });

  it('modulo hashing is hash(user) % N over the names in order', () => {
    for (const user of USERS.slice(0, 200)) {
      expect(moduloGateway(user, names(4))).toBe(`gateway-${(hash32(user) % 4) + 1}`);
    }
    expect(moduloGateway('alice', [])).toBeUndefined();
  });
});
