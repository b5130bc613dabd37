import { describe, expect, it } from 'vitest';
import { ChannelHistory } from './history';

const input = (text: string) => ({ from: 'alice', text });

describe('ChannelHistory', () => {
  it('numbers messages from 1 upward and returns what is newer than since', () => {
    const history = new ChannelHistory('lobby');
    const a = history.append(input('a'), 1000);
    const b = history.append({ ...input('b'), type: 'ticker', sentAt: 990 }, 1001);
    expect([a.id, b.id]).toEqual([1, 2]);
    expect(a.type).toBe('message');
    expect(b).toMatchObject({ channel: 'lobby', type: 'ticker', sentAt: 990, publishedAt: 1001 });
    expect(history.since(0, 1002).messages.map((m) => m.text)).toEqual(['a', 'b']);
    expect(history.since(1, 1002).messages.map((m) => m.text)).toEqual(['b']);
    expect(history.since(2, 1002)).toEqual({ messages: [], lastId: 2, missed: false });
    expect(history.since(99, 1002).messages).toEqual([]);
  });

  it('keeps at most maxCount messages and never reuses a pruned id', () => {
    const history = new ChannelHistory('c', { maxCount: 3, maxAgeMs: 1e9 });
    for (let i = 1; i <= 5; i++) history.append(input(String(i)), i);
    expect(history.size).toBe(3);
    const slice = history.since(0, 10);
    expect(slice.messages.map((m) => m.id)).toEqual([3, 4, 5]);
    expect(slice.missed).toBe(true);
    expect(history.since(2, 10).missed).toBe(false);
    expect(history.append(input('6'), 11).id).toBe(6);
  });

  it('forgets messages older than maxAgeMs', () => {
    const history = new ChannelHistory('c', { maxCount: 100, maxAgeMs: 1000 });
    history.append(input('old'), 0);
    history.append(input('new'), 900);
    expect(history.since(0, 1500).messages.map((m) => m.text)).toEqual(['new']);
    expect(history.lastId).toBe(2);
  });

  it('finds the slice by binary search at every position', () => {
    const history = new ChannelHistory('c', { maxCount: 50, maxAgeMs: 1e9 });
    for (let i = 0; i < 64; i++) history.append(input(String(i)), i);
    for (let since = 0; since <= 70; since++) {
      const ids = history.since(since, 100).messages.map((m) => m.id);
      expect(ids[0] ?? null).toBe(since < 14 ? 15 : since >= 64 ? null : since + 1);
    }
  });
});
