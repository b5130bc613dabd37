/**
 * Sets of items by key — a channel's listeners, say — where an empty set is
 * forgotten. `add` returns the function that removes the item again (safe to call twice).
 */
export class KeyedSets<T> {
  private readonly sets = new Map<string, Set<T>>();

  add(key: string, item: T): () => void {
    let set = this.sets.get(key);
    if (!set) {
      set = new Set();
      this.sets.set(key, set);
    }
    set.add(item);
    return () => {
      const current = this.sets.get(key);
      if (!current) return;
      current.delete(item);
      if (current.size === 0) this.sets.delete(key);
    };
  }

  /** A copy of the key's items, so a caller may add or remove while it goes through them. */
  items(key: string): T[] {
    return [...(this.sets.get(key) ?? [])];
  }

  /** Every item under every key, copied. */
  all(): T[] {
    return [...this.sets.values()].flatMap((set) => [...set]);
  }

  /** How many items under `key`, or under every key. */
  count(key?: string): number {
    if (key !== undefined) return this.sets.get(key)?.size ?? 0;
    let count = 0;
    for (const set of this.sets.values()) count += set.size;
    return count;
  }
}
