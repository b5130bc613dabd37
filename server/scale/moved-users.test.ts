import { describe, expect, it } from 'vitest';
import { movedKeys } from '../../src/core';
import { movedUsers, type MoveChange } from './moved-users';

const three = ['gateway-1', 'gateway-2', 'gateway-3'];
const users = Array.from({ length: 30 }, (_, i) => `user-${i}`);

function change(over: Partial<MoveChange>): MoveChange {
  return {
    policy: 'consistent-hash',
    gateway: 'gateway-4',
    change: 'added',
    before: three,
    after: [...three, 'gateway-4'],
    users,
    landed: new Map(),
    ...over,
  };
}

describe('movedUsers', () => {
  it('counts by the ring under consistent hashing, as movedKeys does', () => {
    const { moved } = movedKeys(three, [...three, 'gateway-4'], users);
    expect(moved).toBeGreaterThan(0);
    expect(movedUsers(change({}))).toEqual({
      users: moved,
      of: 30,
      policy: 'consistent-hash',
      note: `gateway-4 added: ${moved} of 30 users moved (consistent-hash)`,
    });
  });

  it('under sticky moves nobody on an add, and a removed gateway’s users on a remove', () => {
    const landed = new Map([
      ['user-1', 'gateway-1'],
      ['user-2', 'gateway-2'],
      ['user-3', 'gateway-2'],
    ]);
    expect(movedUsers(change({ policy: 'sticky', landed })).users).toBe(0);
    const removed = movedUsers(
      change({
        policy: 'sticky',
        landed,
        gateway: 'gateway-2',
        change: 'removed',
        after: ['gateway-1', 'gateway-3'],
      }),
    );
    expect(removed).toMatchObject({ users: 2, of: 30, policy: 'sticky' });
    expect(removed.note).toBe('gateway-2 removed: 2 of 30 users moved (sticky)');
  });

  it.each(['round-robin', 'least-connections', 'l7-no-upgrade'] as const)(
    'under %s says connections are not tied to a user',
    (policy) => {
      const moved = movedUsers(change({ policy }));
      expect(moved).toMatchObject({ users: 0, of: 30, policy });
      expect(moved.note).toBe(
        `gateway-4 added: ${policy} ties no connection to a user, so no user has a gateway to move from (30 users seen)`,
      );
    },
  );
});
