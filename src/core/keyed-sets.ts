/**
 * Sets of items by key — a channel's listeners, say — where an empty set is
 * forgotten. `add` returns the function that removes the item again (safe to call twice);
 * `put` and `remove` do the same with no function, for the thousands of items that keep their key.
 */
export class KeyedSets<T> {
  private readonly sets = new Map<string, Set<T>>();

  add(key: string, item: T): () => void {
    this.put(key, item);
    return () => this.remove(key, item);
  }

  /** Adds the item with no function to remove it: the caller keeps the key and calls `remove`. */
  put(key: string, item: T): void {
    let set = this.sets.get(key);
    if (!set) {
      set = new Set();
      this.sets.set(key, set);
    }
    set.add(item);
  }

  /** Removes the item from the key's set (nothing if it is not there); an empty set is forgotten. */
  remove(key: string, item: T): void {
    const current = this.sets.get(key);
    if (!current) return;
    current.delete(item);
    if (current.size === 0) this.sets.delete(key);
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
