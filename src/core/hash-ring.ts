/**
 * A consistent-hash ring with virtual nodes (Karger et al., 1997; the article's
 * "route connections by user ID"). Each node — a gateway's name — is hashed onto
 * the circle [0, 2³²) at many points (its virtual nodes); a key — a user's
 * `client=` label — belongs to the first point at or after its own position,
 * going clockwise and wrapping past 2³² − 1 to 0. Adding a node takes over only
 * the arcs in front of its new points (about 1/N of the keys); removing one hands
 * only its own keys to their next points. Modulo hashing (`hash(key) % N`) moves
 * most keys instead, which is the point of the lesson.
 *
 * The ring is a pure function of its set of nodes: the same nodes give the same
 * points in any order of adding, because the points are sorted by position and,
 * on the rare equal position, by node name and replica.
 */

/**
 * How many points each node gets unless told otherwise. A node's share of the
 * circle spreads by about 1/√V around the even share, so 640 points keep three
 * spreads under 12 % — within the ±15 % the lab promises over 3–5 gateways (the
 * worst over 300 sets of 3, 4 or 5 names and 10,000 keys was 13.5 %; at 160,
 * ketama's count, one set in ten went past 15 %). 5 gateways make 3,200 points.
 */
export const DEFAULT_VIRTUAL_NODES = 640;

/** One point on the ring: which node, its replica number and where it sits in [0, 2³²). */
export interface RingPoint {
  readonly node: string;
  readonly replica: number;
  readonly position: number;
}

/**
 * FNV-1a (32-bit) over the string's UTF-16 code units — the same as byte-wise
 * FNV-1a for ASCII labels such as `user-42` — followed by murmur3's fmix32
 * finalizer, so that keys differing only in their last character (FNV-1a's weak
 * spot) still land far apart. Returns an unsigned integer in [0, 2³²).
 */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Where a key sits on the ring, in [0, 2³²). */
export function keyPosition(key: string): number {
  return hash32(key);
}

function comparePoints(a: RingPoint, b: RingPoint): number {
  if (a.position !== b.position) return a.position - b.position;
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  return a.replica - b.replica;
}

export class HashRing {
  readonly virtualNodes: number;
  private readonly members = new Set<string>();
  private sorted: RingPoint[] = [];

  constructor(nodes: Iterable<string> = [], virtualNodes = DEFAULT_VIRTUAL_NODES) {
    this.virtualNodes = Math.max(1, Math.floor(virtualNodes));
    for (const node of nodes) this.add(node);
  }

  /** Puts a node's virtual nodes on the ring (a second add of the same name does nothing). */
  add(node: string): void {
    if (this.members.has(node)) return;
    this.members.add(node);
    for (let replica = 0; replica < this.virtualNodes; replica += 1) {
      this.sorted.push({ node, replica, position: hash32(`${node}#${replica}`) });
    }
    this.sorted.sort(comparePoints);
  }

  /** Takes a node's points off the ring; its keys fall to the next points clockwise. */
  remove(node: string): void {
    if (!this.members.delete(node)) return;
    this.sorted = this.sorted.filter((point) => point.node !== node);
  }

  has(node: string): boolean {
    return this.members.has(node);
  }

  /** The nodes on the ring, in name order. */
  nodes(): string[] {
    return [...this.members].sort();
  }

  /** Every point, sorted by position (for drawing the ring). */
  points(): readonly RingPoint[] {
    return this.sorted;
  }

  /** The node that owns a key, or undefined on an empty ring. */
  lookup(key: string): string | undefined {
    return this.lookupWhere(key, () => true);
  }

  /**
   * The first node clockwise from the key's position that `accept` takes — a
   * down gateway is skipped by walking on to the next distinct node, so its keys
   * spread over the others as they would if it had been removed.
   */
  lookupWhere(key: string, accept: (node: string) => boolean): string | undefined {
    const count = this.sorted.length;
    const start = this.firstAtOrAfter(keyPosition(key));
    const refused = new Set<string>();
    for (let step = 0; step < count && refused.size < this.members.size; step += 1) {
      const point = this.sorted[(start + step) % count];
      if (point === undefined || refused.has(point.node)) continue;
      if (accept(point.node)) return point.node;
      refused.add(point.node);
    }
    return undefined;
  }

  /**
   * The index of the first point whose position is at or after `position`, or 0
   * when every point is before it (the ring wraps). A hand-written binary search:
   * src/core stays free of d3, whose `bisector` would do the same.
   */
  private firstAtOrAfter(position: number): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const point = this.sorted[middle];
      if (point !== undefined && point.position < position) low = middle + 1;
      else high = middle;
    }
    return low === this.sorted.length ? 0 : low;
  }
}
