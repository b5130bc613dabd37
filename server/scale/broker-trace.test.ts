import { describe, expect, it } from 'vitest';
import type { TraceEventInput } from '../../src/core';
import { MemoryBroker, MemoryBus } from '../broker/memory-broker';
import type { TraceSink } from '../observer-stream';
import { BrokerTrace, brokerBytes } from './broker-trace';

function sink(): TraceSink & { events: TraceEventInput[]; active: boolean } {
  const events: TraceEventInput[] = [];
  return { active: true, events, forward: (event) => events.push(event) };
}

describe('BrokerTrace', () => {
  it('puts each publish before its delivers, one deliver per gateway, on the memory broker', async () => {
    const out = sink();
    const trace = new BrokerTrace(out);
    const bus = new MemoryBus();
    const one = trace.wrap(new MemoryBroker(bus), 'gateway-1');
    const two = trace.wrap(new MemoryBroker(bus), 'gateway-2');
    await one.subscribe('lobby', () => undefined);
    // A second subscription of the same gateway: still one deliver per message.
    await one.subscribe('lobby', () => undefined);
    await two.subscribe('lobby', () => undefined);
    const [a, b] = await Promise.all([
      one.publish('lobby', { from: 'alice', text: 'a' }),
      two.publish('lobby', { from: 'bob', text: 'b' }),
    ]);
    expect(out.events.map((e) => `${e.kind}:${e.peer}:${e.messageIds?.[0]}`)).toEqual([
      'publish:gateway-1:1',
      'deliver:gateway-1:1',
      'deliver:gateway-2:1',
      'publish:gateway-2:2',
      'deliver:gateway-1:2',
      'deliver:gateway-2:2',
    ]);
    expect(out.events[0]).toMatchObject({
      observer: 'broker',
      actor: 'broker',
      technique: null,
      conn: 'broker:lobby',
      dir: 'up',
      bytes: { header: 0, payload: brokerBytes(a) },
      details: { from: 'gateway-1' },
    });
    expect(brokerBytes(b)).toBe(Buffer.byteLength(JSON.stringify(b)));
    expect(out.events[1]).toMatchObject({ dir: 'down', kind: 'deliver' });
    for (const event of out.events.slice(1))
      expect(event.t).toBeGreaterThanOrEqual(out.events[0]!.t);
  });

  it('holds the delivers of two identical hand-overs until the broker answers which is which', async () => {
    const out = sink();
    const trace = new BrokerTrace(out);
    const bus = new MemoryBus();
    const one = trace.wrap(new MemoryBroker(bus), 'gateway-1');
    const two = trace.wrap(new MemoryBroker(bus), 'gateway-2');
    await two.subscribe('lobby', () => undefined);
    const kinds: string[] = [];
    await one.subscribe('lobby', () => kinds.push(...out.events.map((e) => e.kind)));
    // Two hand-overs in flight with the same sender and text: a deliver cannot tell them apart.
    const other = trace.handing('lobby', 'gateway-2', { from: 'alice', text: 'same' });
    await one.publish('lobby', { from: 'alice', text: 'same' });
    // While gateway-1 took the message, nothing was out yet: the delivers waited.
    expect(kinds).toEqual([]);
    expect(out.events.map((e) => `${e.kind}:${e.peer}:${e.messageIds?.[0]}`)).toEqual([
      'publish:gateway-1:1',
      'deliver:gateway-2:1',
      'deliver:gateway-1:1',
    ]);
    trace.answered(other, null);
    expect(out.events).toHaveLength(3);
  });

  it('records nothing for a refused publish (broker down) and nothing while nobody watches', async () => {
    const out = sink();
    const trace = new BrokerTrace(out);
    const bus = new MemoryBus();
    const one = trace.wrap(new MemoryBroker(bus), 'gateway-1');
    await one.subscribe('lobby', () => undefined);
    bus.setUp(false);
    await expect(one.publish('lobby', { from: 'alice', text: 'lost' })).rejects.toMatchObject({
      code: 'RL_ERR_BROKER_DOWN',
    });
    bus.setUp(true);
    out.active = false;
    await one.publish('lobby', { from: 'alice', text: 'unseen' });
    expect(out.events).toEqual([]);
    out.active = true;
    await one.publish('lobby', { from: 'alice', text: 'seen' });
    expect(out.events.map((e) => e.kind)).toEqual(['publish', 'deliver']);
  });
});
