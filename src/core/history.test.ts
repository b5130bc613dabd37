import { describe, expect, it } from 'vitest';
import {
  ChannelHistory,
  ChannelStore,
  DEFAULT_HISTORY_LIMITS,
  messageBytes,
  resumeCursor,
} from './history';

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
    // Ahead (an id this history never gave): it starts over, with all it keeps.
    expect(history.since(99, 1002)).toMatchObject({ lastId: 2, ahead: true });
    expect(history.since(99, 1002).messages.map((m) => m.text)).toEqual(['a', 'b']);
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
      // Past lastId (64) the reader is ahead and starts over from the first kept (15).
      const first = since < 14 || since > 64 ? 15 : since === 64 ? null : since + 1;
      expect(ids[0] ?? null).toBe(first);
    }
  });

  describe('accept (a replica of ids given elsewhere)', () => {
    const given = (id: number, publishedAt = id) => ({
      id,
      channel: 'c',
      type: 'message',
      from: 'broker',
      text: `#${id}`,
      publishedAt,
    });

    it('keeps ids strictly increasing and drops one not newer as a duplicate', () => {
      const history = new ChannelHistory('c');
      expect(history.accept(given(1), 10)).toBe(true);
      expect(history.accept(given(2), 10)).toBe(true);
      expect(history.accept(given(2), 10)).toBe(false);
      expect(history.accept(given(1), 10)).toBe(false);
      expect(history.lastId).toBe(2);
      expect(history.since(0, 10)).toMatchObject({ lastId: 2, missed: false });
      expect(history.since(0, 10).messages.map((m) => m.id)).toEqual([1, 2]);
    });

    it('allows a gap, and since says missed exactly for a range with a hole in it', () => {
      const history = new ChannelHistory('c');
      for (const id of [1, 2, 5, 6]) expect(history.accept(given(id), 10)).toBe(true);
      expect(history.lastId).toBe(6);
      const ids = (since: number) => history.since(since, 10).messages.map((m) => m.id);
      expect(ids(0)).toEqual([1, 2, 5, 6]);
      expect(history.since(0, 10).missed).toBe(true);
      expect(history.since(2, 10).missed).toBe(true);
      expect(ids(3)).toEqual([5, 6]);
      expect(history.since(3, 10).missed).toBe(true);
      expect(history.since(4, 10).missed).toBe(false);
      expect(history.since(5, 10)).toMatchObject({ missed: false, lastId: 6 });
      expect(history.since(6, 10)).toEqual({ messages: [], lastId: 6, missed: false });
      // Ahead: it starts over from 0, and 3 and 4 were never here.
      expect(history.since(9, 10)).toMatchObject({ ahead: true, missed: true });
    });

    it('starts anywhere: a fresh replica whose first id is 500 missed 1…499', () => {
      const history = new ChannelHistory('c');
      history.accept(given(500), 10);
      expect(history.since(0, 10).missed).toBe(true);
      expect(history.since(499, 10).missed).toBe(false);
    });

    it('prunes accepted messages by count and by their publishedAt, and append follows on', () => {
      const history = new ChannelHistory('c', { maxCount: 2, maxAgeMs: 1000 });
      history.accept(given(3, 0), 0);
      history.accept(given(7, 500), 500);
      history.accept(given(8, 900), 900);
      expect(history.since(0, 900).messages.map((m) => m.id)).toEqual([7, 8]);
      expect(history.since(6, 1600).messages.map((m) => m.id)).toEqual([8]);
      expect(history.since(6, 1600).missed).toBe(true);
      expect(history.append(input('next'), 1600).id).toBe(9);
    });
  });
});

describe('resuming ahead of the channel', () => {
  it('says ahead when since is above lastId, and starts over with all it keeps', () => {
    expect(resumeCursor(undefined, 7)).toEqual({ from: 7, ahead: false });
    expect(resumeCursor(3, 7)).toEqual({ from: 3, ahead: false });
    expect(resumeCursor(7, 7)).toEqual({ from: 7, ahead: false });
    expect(resumeCursor(9, 7)).toEqual({ from: 0, ahead: true });
    const history = new ChannelHistory('lobby');
    history.append({ from: 'a', text: 'x' }, 0);
    history.append({ from: 'a', text: 'y' }, 0);
    const ahead = history.since(5, 0);
    expect(ahead).toMatchObject({ lastId: 2, ahead: true, missed: false });
    expect(ahead.messages.map((m) => m.id)).toEqual([1, 2]);
    expect(history.since(1, 0).ahead).toBeUndefined();
  });
});

describe('ChannelStore', () => {
  const bounds = { maxChannels: 3, maxHistoryBytes: 1_000, idleChannelMs: 100 };

  it('refuses a new channel past the cap, forgets idle empty ones without listeners', () => {
    const listened = new Set(['b']);
    const store = new ChannelStore(
      DEFAULT_HISTORY_LIMITS,
      bounds,
      (ch) => listened.has(ch),
      new Set(['lobby']),
    );
    store.open('lobby', 0);
    store.open('a', 0);
    store.open('b', 0);
    expect(() => store.open('c', 50)).toThrow(
      expect.objectContaining({ code: 'RL_ERR_TOO_MANY_CHANNELS' }),
    );
    // At the cap, opening sweeps first: 'a' is idle, empty and unheard; lobby is kept, 'b' listened.
    expect(store.open('c', 100).created).toBe(true);
    expect(store.names().sort()).toEqual(['b', 'c', 'lobby']);
  });

  it('drops the oldest messages first across channels past the byte cap', () => {
    const store = new ChannelStore(
      DEFAULT_HISTORY_LIMITS,
      { ...bounds, maxChannels: 10 },
      () => false,
    );
    const text = 'x'.repeat(150);
    for (let i = 0; i < 10; i++) {
      const history = store.open(i % 2 ? 'odd' : 'even', i).history;
      store.arrived(history, history.append({ from: 'a', text: `${i}${text}` }, i));
    }
    expect(store.bytes).toBeLessThanOrEqual(1_000);
    const kept = ['even', 'odd'].flatMap((ch) => store.get(ch)!.since(0, 10).messages);
    const order = kept.map((m) => Number(m.text[0])).sort();
    expect(order).toEqual(Array.from({ length: order.length }, (_, i) => 10 - order.length + i));
    expect(store.bytes).toBe(kept.reduce((sum, m) => sum + messageBytes(m), 0));
  });

  it('lists no more arrivals than about twice the messages kept, whatever the per-channel limits prune', () => {
    const store = new ChannelStore(
      { maxCount: 10, maxAgeMs: 60_000 },
      { ...bounds, maxHistoryBytes: 1e9 },
      () => false,
    );
    const history = store.open('busy', 0).history;
    for (let i = 0; i < 5_000; i++)
      store.arrived(history, history.append({ from: 'a', text: 'x' }, i));
    expect(history.size).toBe(10);
    expect(store.listedArrivals).toBeLessThanOrEqual(2 * 10 + 1024 + 1);
    expect(store.bytes).toBe(10 * messageBytes(history.since(0, 5_000).messages[0]!));
  });
});
