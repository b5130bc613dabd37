import { describe, expect, it } from 'vitest';
import type { TraceEventInput } from '../../src/core';
import type { TraceSink } from '../observer-stream';
import type { ProxiedConnection, RouteInfo } from './balancer';
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

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

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
  it('takes conn and technique from the link the balancer opened in the same tick, each link once', async () => {
    const out = sink();
    const links: ProxiedConnection[] = [];
    const trace = new RouteTrace(out, () => links);
    trace.onRoute(route({}));
    links.push({ user: 'bob', gateway: 'gateway-2', technique: 'websocket', conn: 'w-1' });
    trace.onRoute(route({}));
    links.push({ user: 'bob', gateway: 'gateway-2', technique: 'websocket', conn: 'w-2' });
    await tick();
    // Both were decided before either step was built: the newest unused link goes to each in turn.
    expect(out.events.map((e) => e.conn).sort()).toEqual(['w-1', 'w-2']);
    expect(out.events[0]).toMatchObject({
      observer: 'server',
      actor: 'balancer',
      kind: 'route',
      dir: 'up',
      peer: 'bob',
      technique: 'websocket',
      details: { policy: 'consistent-hash', routeKey: 'bob', gateway: 'gateway-2' },
    });
  });

  it('names a request without a link balancer-<n>, its technique from the path', async () => {
    const out = sink();
    const trace = new RouteTrace(out, () => []);
    const { gateway: _none, ...refused } = route({ user: null, refusal: 'no-gateway-up' });
    trace.onRoute(refused);
    trace.onRoute({ ...refused, path: '/api/channels/lobby/messages' });
    await tick();
    expect(out.events.map((e) => [e.conn, e.technique, e.details?.errorCode])).toEqual([
      ['balancer-1', 'websocket', 'RL_ERR_NO_GATEWAY'],
      ['balancer-2', null, 'RL_ERR_NO_GATEWAY'],
    ]);
    expect(out.events[0]).not.toHaveProperty('peer');
    expect(out.events[0]!.details).toMatchObject({ routeKey: '' });
  });

  it('builds nothing while nobody watches, but keeps the users and sticky places', async () => {
    const out = sink(false);
    const trace = new RouteTrace(out, () => {
      throw new Error('read the links while nobody watched');
    });
    trace.onRoute(route({ policy: 'sticky', user: 'alice', gateway: 'gateway-1' }));
    trace.onRoute(route({ user: 'bob' }));
    await tick();
    expect(out.events).toEqual([]);
    expect(trace.routedUsers()).toEqual(['alice', 'bob']);
    expect([...trace.stickyPlaces()]).toEqual([['alice', 'gateway-1']]);
  });
});
