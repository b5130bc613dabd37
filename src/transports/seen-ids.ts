/**
 * Remembers which message ids a receiver has had. Ids only grow, so once more
 * than `capacity` are kept the oldest are folded into a floor: every id at or
 * below it counts as seen.
 */
export class SeenIds {
  private readonly ids = new Set<number>();
  private floor = 0;
  private max = 0;

  constructor(private readonly capacity = 5000) {}

  /** Records the id; true when it was new. */
  add(id: number): boolean {
    if (this.has(id)) return false;
    this.ids.add(id);
    if (id > this.max) this.max = id;
    while (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value as number;
      this.ids.delete(oldest);
      if (oldest > this.floor) this.floor = oldest;
    }
    return true;
  }

  has(id: number): boolean {
    return id <= this.floor || this.ids.has(id);
  }

  /** The largest id seen, 0 before any. */
  get lastId(): number {
    return this.max;
  }

  clear(): void {
    this.ids.clear();
    this.floor = 0;
    this.max = 0;
  }
}
