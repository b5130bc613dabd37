import { describe, expect, it } from 'vitest';
import type { TraceEventInput } from '../../src/core';
import type { TraceSink } from '../observer-stream';
import type { RouteInfo } from './balancer';
import { RouteTrace, routeNote } from './route-trace';

function sink(active = true): TraceSink & { events: TraceEventInput[] } {
  const events: TraceEventInput[] = [];
  return { active, events, forward: (event) => events.push(event) };
}

const route = (over: Partial<RouteInfo>): RouteInfo => ({
  user: 'bob',
  policy: 'consistent-hash',
  path: '/api/channels/lobby/ws',
  upgrade: true,
  gateway: 'gateway-2',
  ...over,
});

describe('routeNote', () => {
  it('says the policy, the user and the gateway, or why the route is odd', () => {
    expect(routeNote(route({ policy: 'sticky' }))).toBe('sticky: bob → gateway-2');
    expect(routeNote(route({ user: null }))).toBe(
      'consistent-hash: no user to route by, so round-robin → gateway-2',
    );
    expect(routeNote(route({ policy: 'l7-no-upgrade', refusal: 'upgrade-not-forwarded' }))).toBe(
      'l7-no-upgrade: the Upgrade is not forwarded; bob → gateway-2 as a plain GET',
    );
    const { gateway: _none, ...refused } = route({ refusal: 'no-gateway-up' });
    expect(routeNote(refused)).toBe('consistent-hash: no gateway is up for bob; refused with 503');
  });
});

describe('RouteTrace', () => {
  it("builds one step per decision, with the request's rid= as its conn and its technique", () => {
    const out = sink();
    const trace = new RouteTrace(out);
    trace.onRoute(route({ technique: 'websocket', conn: 'w-1' }));
    expect(out.events).toHaveLength(1);
    expect(out.events[0]).toMatchObject({
      observer: 'server',
      actor: 'balancer',
      kind: 'route',
      dir: 'up',
      conn: 'w-1',
      peer: 'bob',
      technique: 'websocket',
      details: { policy: 'consistent-hash', routeKey: 'bob', gateway: 'gateway-2' },
    });
  });

  it('names a request without a rid= balancer-<n>; a refusal carries its code', () => {
    const out = sink();
    const trace = new RouteTrace(out);
    const { gateway: _none, ...refused } = route({ user: null, refusal: 'no-gateway-up' });
    trace.onRoute({ ...refused, technique: 'websocket' });
    trace.onRoute({ ...refused, path: '/api/channels/lobby/messages' });
    expect(out.events.map((e) => [e.conn, e.technique, e.details?.errorCode])).toEqual([
      ['balancer-1', 'websocket', 'RL_ERR_NO_GATEWAY'],
      ['balancer-2', null, 'RL_ERR_NO_GATEWAY'],
    ]);
    expect(out.events[0]).not.toHaveProperty('peer');
    expect(out.events[0]!.details).toMatchObject({ routeKey: '' });
  });

  it('builds nothing while nobody watches, but keeps the users and sticky places', () => {
    const out = sink(false);
    const trace = new RouteTrace(out);
    trace.onRoute(route({ policy: 'sticky', user: 'alice', gateway: 'gateway-1' }));
    trace.onRoute(route({ user: 'bob' }));
    expect(out.events).toEqual([]);
    expect(trace.routedUsers()).toEqual(['alice', 'bob']);
    expect([...trace.stickyPlaces()]).toEqual([['alice', 'gateway-1']]);
  });
});
