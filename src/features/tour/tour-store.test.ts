import { describe, expect, it } from 'vitest';
import { tourOnLoad } from './tour-store';

describe('tourOnLoad', () => {
  it('opens on a first visit only', () => {
    expect(tourOnLoad('', false)).toBe(true);
    expect(tourOnLoad('?channel=lobby', true)).toBe(false);
  });

  it('obeys tour=0 and tour=1 in the address', () => {
    expect(tourOnLoad('?tour=0', false)).toBe(false);
    expect(tourOnLoad('?channel=x&tour=1', true)).toBe(true);
  });
});
