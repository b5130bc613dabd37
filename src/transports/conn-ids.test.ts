import { describe, expect, it } from 'vitest';
import { ConnIds } from './conn-ids';

describe('ConnIds', () => {
  it('counts per actor and kind', () => {
    const ids = new ConnIds();
    expect(ids.next('alice', 'websocket')).toBe('alice-websocket-1');
    expect(ids.next('alice', 'websocket')).toBe('alice-websocket-2');
    expect(ids.next('bob', 'websocket')).toBe('bob-websocket-1');
    expect(ids.next('alice', 'publish')).toBe('alice-publish-1');
    expect(ids.next('alice', 'websocket')).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
  });
});
