import { describe, expect, it } from 'vitest';
import { DEFAULT_VIRTUAL_NODES, hash32, HashRing, keyPosition } from './hash-ring';

const KEYS = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);

function gateways(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `gateway-${i + 1}`);
}

function owners(ring: HashRing): Map<string, string | undefined> {
  return new Map(KEYS.map((key) => [key, ring.lookup(key)]));
}

function shares(ring: HashRing): Map<string, number> {
  const counts = new Map<string, number>();
  for (const owner of owners(ring).values()) {
    if (owner !== undefined) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  return counts;
}

describe('hash32 (FNV-1a with the fmix32 finalizer)', () => {
  it('gives the same unsigned 32-bit value for the same string, and spreads near neighbours', () => {
    expect(hash32('user-1')).toBe(hash32('user-1'));
    expect(hash32('')).toBe(hash32(''));
    const values = KEYS.map(hash32);
    values.forEach((value) => {
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(2 ** 32);
    });
    expect(new Set(values).size).toBe(KEYS.length);
    // The top bit is set for about half the keys: the finalizer mixes the high bits too.
    const high = values.filter((value) => value >= 2 ** 31).length;
    expect(high).toBeGreaterThan(4_800);
    expect(high).toBeLessThan(5_200);
    expect(keyPosition('user-7')).toBe(hash32('user-7'));
  });
});

describe('the consistent-hash ring', () => {
  it.each([3, 4, 5])('spreads 10,000 keys over %i gateways within ±15 % of an even share', (n) => {
    const counts = shares(new HashRing(gateways(n)));
    const even = KEYS.length / n;
    expect([...counts.keys()].sort()).toEqual(gateways(n));
    for (const count of counts.values()) {
      expect(count).toBeGreaterThanOrEqual(even * 0.85);
      expect(count).toBeLessThanOrEqual(even * 1.15);
    }
  });

  it('adding a 4th gateway to 3 moves 20–30 % of keys, every one to the new gateway', () => {
    const ring = new HashRing(gateways(3));
    const before = owners(ring);
    ring.add('gateway-4');
    const after = owners(ring);
    const moved = KEYS.filter((key) => before.get(key) !== after.get(key));
    expect(moved.length).toBeGreaterThanOrEqual(KEYS.length * 0.2);
    expect(moved.length).toBeLessThanOrEqual(KEYS.length * 0.3);
    expect(new Set(moved.map((key) => after.get(key)))).toEqual(new Set(['gateway-4']));
  });

  it("removing a gateway moves only that gateway's keys", () => {
    const ring = new HashRing(gateways(4));
    const before = owners(ring);
    ring.remove('gateway-2');
    const after = owners(ring);
    for (const key of KEYS) {
      if (before.get(key) === 'gateway-2') expect(after.get(key)).not.toBe('gateway-2');
      else expect(after.get(key)).toBe(before.get(key));
    }
    expect(ring.nodes()).toEqual(['gateway-1', 'gateway-3', 'gateway-4']);
    expect(ring.points()).toHaveLength(3 * DEFAULT_VIRTUAL_NODES);
  });

  it('gives the same ring in any order of adding', () => {
    const forward = new HashRing(gateways(5));
    const backward = new HashRing(gateways(5).reverse());
    const shuffled = new HashRing(['gateway-3', 'gateway-5', 'gateway-1', 'gateway-4']);
    shuffled.add('gateway-2');
    shuffled.add('gateway-2'); // a second add changes nothing
    expect(backward.points()).toEqual(forward.points());
    expect(shuffled.points()).toEqual(forward.points());
    expect(owners(shuffled)).toEqual(owners(forward));
    // Removing and adding back restores the same ring.
    shuffled.remove('gateway-3');
    shuffled.add('gateway-3');
    expect(shuffled.points()).toEqual(forward.points());
  });

  it('lists its points sorted by position in [0, 2³²), each node with its virtual nodes', () => {
    const ring = new HashRing(gateways(3), 8);
    const points = ring.points();
    expect(points).toHaveLength(24);
    points.forEach((point, i) => {
      expect(point.position).toBeGreaterThanOrEqual(0);
      expect(point.position).toBeLessThan(2 ** 32);
      if (i > 0) expect(point.position).toBeGreaterThanOrEqual(points[i - 1]!.position);
    });
    for (const node of gateways(3)) {
      expect(points.filter((point) => point.node === node)).toHaveLength(8);
    }
  });

  it('gives a key the first point at or after its position, wrapping past the top', () => {
    const ring = new HashRing(gateways(3), 8);
    const points = ring.points();
    for (const key of KEYS.slice(0, 500)) {
      const position = keyPosition(key);
      const owner = points.find((point) => point.position >= position) ?? points[0];
      expect(ring.lookup(key)).toBe(owner?.node);
    }
  });

  it('walks on to the next distinct node when a node is refused, and has no owner when all are', () => {
    const ring = new HashRing(gateways(3));
    const up = (node: string) => node !== 'gateway-1';
    for (const key of KEYS.slice(0, 2_000)) {
      const owner = ring.lookup(key);
      const walked = ring.lookupWhere(key, up);
      if (owner !== 'gateway-1') expect(walked).toBe(owner);
      else expect(walked).toBe(new HashRing(['gateway-2', 'gateway-3']).lookup(key));
    }
    expect(ring.lookupWhere('user-1', () => false)).toBeUndefined();
    expect(new HashRing().lookup('user-1')).toBeUndefined();
  });
});
