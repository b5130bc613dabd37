import { describe, expect, it } from 'vitest';
import { SeenIds } from './seen-ids';

describe('SeenIds', () => {
  it('says whether an id is new and tracks the largest', () => {
    const seen = new SeenIds();
    expect(seen.add(2)).toBe(true);
    expect(seen.add(1)).toBe(true);
    expect(seen.add(2)).toBe(false);
    expect(seen.lastId).toBe(2);
    seen.clear();
    expect(seen.add(2)).toBe(true);
  });

  it('folds the oldest ids into a floor past its capacity', () => {
    const seen = new SeenIds(3);
    for (const id of [1, 2, 3, 4, 5]) seen.add(id);
    expect(seen.has(1)).toBe(true);
    expect(seen.has(2)).toBe(true);
    expect(seen.add(2)).toBe(false);
    expect(seen.add(6)).toBe(true);
  });
});
