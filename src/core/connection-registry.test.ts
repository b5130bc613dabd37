import { describe, expect, it } from 'vitest';
import { ConnectionRegistry, type EndReason, type TrackedConnection } from './connection-registry';
import { Hub, type MessageSink } from './hub';
import type { Message } from './message';

/** A held connection as the server's are: an object with methods, registered as itself. */
class FakeHeld implements TrackedConnection {
  ended: EndReason[] = [];
  silencedTimes = 0;
  constructor(
    readonly kind: TrackedConnection['kind'],
    private readonly registry: ConnectionRegistry,
  ) {
    registry.hold(this);
  }
  end(reason: EndReason): void {
    this.ended.push(reason);
    this.registry.forget(this);
  }
  silence(): void {
    this.silencedTimes++;
  }
}

describe('ConnectionRegistry', () => {
  it('counts, silences once and ends what is held as itself', () => {
    const registry = new ConnectionRegistry();
    const a = new FakeHeld('sse', registry);
    const b = new FakeHeld('websocket', registry);
    expect([
      registry.count('sse'),
      registry.count('websocket'),
      registry.count('long-poll'),
    ]).toEqual([1, 1, 0]);
    expect(registry.silenceAll()).toBe(2);
    expect(registry.silenceAll()).toBe(0);
    expect([a.silencedTimes, b.silencedTimes, registry.halfOpen]).toEqual([1, 1, 2]);
    expect(registry.endAll('drop')).toBe(2);
    expect([a.ended, b.ended, registry.halfOpen, registry.count('sse')]).toEqual([
      ['drop'],
      ['drop'],
      0,
      0,
    ]);
  });

  it('says when the last silenced connection is gone, once, and forgets twice safely', () => {
    const registry = new ConnectionRegistry();
    let noticed = 0;
    registry.onAllNoticed = () => noticed++;
    const a = new FakeHeld('sse', registry);
    const b = new FakeHeld('sse', registry);
    registry.silenceAll();
    registry.forget(a);
    registry.forget(a);
    expect([noticed, registry.halfOpen]).toEqual([0, 1]);
    registry.forget(b);
    expect([noticed, registry.halfOpen]).toEqual([1, 0]);
  });

  it('keeps track() for callers that register functions', () => {
    const registry = new ConnectionRegistry();
    const ended: EndReason[] = [];
    const untrack = registry.track('long-poll', (reason) => ended.push(reason));
    expect(registry.silenceAll()).toBe(0);
    untrack();
    untrack();
    expect(registry.endAll('shutdown')).toBe(0);
    registry.track('long-poll', (reason) => ended.push(reason));
    expect(registry.endAll('shutdown')).toBe(1);
    expect(ended).toEqual(['shutdown']);
  });
});

describe('Hub sinks', () => {
  it('delivers to a joined sink beside function listeners until it leaves', () => {
    const hub = new Hub();
    const got: number[] = [];
    const sink: MessageSink = { deliver: (m: Message) => got.push(m.id) };
    const heard: number[] = [];
    hub.subscribe('room', (m) => heard.push(m.id));
    hub.join('room', sink);
    expect(hub.listenerCount('room')).toBe(2);
    hub.publish('room', { from: 'alice', text: 'one' });
    hub.leave('room', sink);
    hub.leave('room', sink);
    hub.publish('room', { from: 'alice', text: 'two' });
    expect([got, heard, hub.listenerCount('room')]).toEqual([[1], [1, 2], 1]);
  });
});
