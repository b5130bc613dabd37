/**
 * "k of n users moved" when a gateway is added or removed (issue #12, point 4):
 * the users are those the balancer has routed; where each one's key lands
 * before and after is the policy's own rule from src/core/balancer.ts — the
 * ring under consistent hashing, the gateway it first landed on under sticky.
 * Round-robin, least connections and l7-no-upgrade tie no connection to a user,
 * so nobody has a place to move from.
 */
import { movedKeys, type BalancerPolicy } from '../../src/core';

/** The `moved` field of an add's or remove's answer, and the sentence of its fault step. */
export interface MovedUsers {
  readonly users: number;
  readonly of: number;
  readonly policy: BalancerPolicy;
  readonly note: string;
}

export interface MoveChange {
  readonly policy: BalancerPolicy;
  /** The gateway added or removed. */
  readonly gateway: string;
  readonly change: 'added' | 'removed';
  /** Every gateway's name before and after (up or down: the ring keeps a down one). */
  readonly before: readonly string[];
  readonly after: readonly string[];
  /** The users the balancer has routed. */
  readonly users: readonly string[];
  /** Under sticky: where each user landed. */
  readonly landed: ReadonlyMap<string, string>;
}

/** How many of the users change gateway, under the policy in force. */
export function movedUsers(change: MoveChange): MovedUsers {
  const { policy, gateway, users } = change;
  const of = users.length;
  const head = `${gateway} ${change.change}`;
  switch (policy) {
    case 'consistent-hash': {
      const { moved } = movedKeys(change.before, change.after, users, 'consistent-hash');
      return {
        users: moved,
        of,
        policy,
        note: `${head}: ${moved} of ${of} users moved (${policy})`,
      };
    }
    case 'sticky': {
      // A sticky user stays where it landed while that gateway is up: only a removed one's users move.
      const moved =
        change.change === 'removed'
          ? users.filter((user) => change.landed.get(user) === gateway).length
          : 0;
      return {
        users: moved,
        of,
        policy,
        note: `${head}: ${moved} of ${of} users moved (${policy})`,
      };
    }
    case 'round-robin':
    case 'least-connections':
    case 'l7-no-upgrade':
      return {
        users: 0,
        of,
        policy,
        note: `${head}: ${policy} ties no connection to a user, so no user has a gateway to move from (${of} users seen)`,
      };
  }
}
