import { describe, expect, it } from 'vitest';
import type { Message } from '../core';
import { INBOX_SIZE, initialLabState, labRunAfter, receiveInto } from './lab-store';

const message = (id: number): Message => ({
  id,
  channel: 'lobby',
  type: 'message',
  from: 'alice',
  text: `m${id}`,
  publishedAt: id,
});

describe('lab store', () => {
  it('takes the channel from the URL when it is a valid name', () => {
    expect(initialLabState('?channel=room-7').channel).toBe('room-7');
    expect(initialLabState('?channel=Bad%20Name').channel).toBe('lobby');
    expect(initialLabState('').technique).toBe('short-poll');
  });
  it('starts with auto-send off, random (Poisson) when turned on, seed 1', () => {
    expect(initialLabState('')).toMatchObject({ autoRate: 0, autoPattern: 'random', autoSeed: 1 });
  });
  it('keeps the newest messages first, at most INBOX_SIZE per receiver', () => {
    let inboxes = {};
    for (let id = 1; id <= INBOX_SIZE + 2; id++) inboxes = receiveInto(inboxes, 'bob', message(id));
    const bob = (inboxes as Record<string, Message[]>).bob!;
    expect(bob.map((m) => m.id)).toEqual([7, 6, 5, 4, 3]);
  });
});

describe('the playground run', () => {
  const stopped = { running: false, replaying: false } as const;
  it('starts and stops live traffic', () => {
    expect(labRunAfter(stopped, 'start')).toEqual({ running: true, replaying: false });
    expect(labRunAfter(labRunAfter(stopped, 'start'), 'stop')).toEqual(stopped);
  });
  it('never runs while a recording is replayed: a replay ends the run, Start waits for Back to live', () => {
    const replaying = labRunAfter(labRunAfter(stopped, 'start'), 'replay');
    expect(replaying).toEqual({ running: false, replaying: true });
    expect(labRunAfter(replaying, 'start')).toEqual(replaying);
    expect(labRunAfter(replaying, 'stop')).toEqual(replaying);
    expect(labRunAfter(replaying, 'live')).toEqual(stopped);
  });
});
