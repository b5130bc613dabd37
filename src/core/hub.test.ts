import { describe, expect, it } from 'vitest';
import { LabError } from './index';
import { Hub } from './hub';

describe('Hub', () => {
  it('has lobby from the start and creates channels on first use', () => {
    const hub = new Hub();
    expect(hub.channelNames()).toEqual(['lobby']);
    hub.publish('room-1', { from: 'alice', text: 'hi' });
    expect(hub.channelNames()).toEqual(['lobby', 'room-1']);
    expect(() => hub.channel('Not Valid')).toThrow(LabError);
  });

  it('numbers messages per channel and answers since()', () => {
    let now = 1_000;
    const hub = new Hub({ maxCount: 100, maxAgeMs: 10_000 }, () => now);
    const a = hub.publish('lobby', { from: 'alice', text: 'one' });
    const b = hub.publish('lobby', { from: 'bob', text: 'two', type: 'note', sentAt: 5 });
    const other = hub.publish('x', { from: 'bob', text: 'other' });
    expect([a.id, b.id, other.id]).toEqual([1, 2, 1]);
    expect(b).toEqual({
      id: 2,
      channel: 'lobby',
      type: 'note',
      from: 'bob',
      text: 'two',
      sentAt: 5,
      publishedAt: 1_000,
    });
    expect(hub.since('lobby', 1).messages.map((m) => m.id)).toEqual([2]);
    expect(hub.since('lobby', 2)).toMatchObject({ messages: [], lastId: 2 });
    now += 20_000;
    expect(hub.since('lobby', 0)).toMatchObject({ messages: [], lastId: 2, missed: true });
  });

  it('bounds history by count and never reuses an id', () => {
    const hub = new Hub({ maxCount: 2, maxAgeMs: 60_000 });
    for (let i = 0; i < 5; i++) hub.publish('lobby', { from: 'a', text: String(i) });
    expect(hub.since('lobby', 0).messages.map((m) => m.id)).toEqual([4, 5]);
    expect(hub.publish('lobby', { from: 'a', text: 'x' }).id).toBe(6);
  });

  it('delivers to listeners until they unsubscribe', () => {
    const hub = new Hub();
    const seen: number[] = [];
    const stop = hub.subscribe('lobby', (m) => seen.push(m.id));
    expect(hub.listenerCount()).toBe(1);
    hub.publish('lobby', { from: 'a', text: '1' });
    hub.publish('other', { from: 'a', text: 'elsewhere' });
    stop();
    stop();
    hub.publish('lobby', { from: 'a', text: '2' });
    expect(seen).toEqual([1]);
    expect(hub.listenerCount()).toBe(0);
  });
});
