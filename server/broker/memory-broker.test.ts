import { describe, expect, it } from 'vitest';
import { ERROR_CODES, LabError } from '../../src/core';
import { subscribeFrom } from './broker';
import { brokerContract } from './broker-contract';
import { MemoryBroker, MemoryBus } from './memory-broker';

const buses = new Map<string, MemoryBus>();

brokerContract('memory', ({ group, limits, now }) => {
  let bus = buses.get(group);
  if (!bus) {
    bus = new MemoryBus(limits, now);
    buses.set(group, bus);
  }
  return Promise.resolve(new MemoryBroker(bus));
});

describe('memory broker down', () => {
  it('rejects publish and since with RL_ERR_BROKER_DOWN, keeps history, and resumes after', async () => {
    const bus = new MemoryBus();
    const gateway1 = new MemoryBroker(bus);
    const gateway2 = new MemoryBroker(bus);
    const received: number[] = [];
    await subscribeFrom(gateway2, 'room', 0, (m) => received.push(m.id));
    await gateway1.publish('room', { from: 'alice', text: 'before' });
    bus.setUp(false);
    const codeOf = (error: unknown): string => (error instanceof LabError ? error.code : '');
    await expect(gateway1.publish('room', { from: 'alice', text: 'x' })).rejects.toSatisfy(
      (error) => codeOf(error) === ERROR_CODES.BROKER_DOWN,
    );
    await expect(gateway1.since('room', 0)).rejects.toSatisfy(
      (error) => codeOf(error) === ERROR_CODES.BROKER_DOWN,
    );
    const late: number[] = [];
    await gateway1.subscribe('room', (m) => late.push(m.id));
    bus.setUp(true);
    await gateway1.publish('room', { from: 'alice', text: 'after' });
    expect((await gateway2.since('room', 0)).messages.map((m) => m.text)).toEqual([
      'before',
      'after',
    ]);
    expect(received).toEqual([1, 2]);
    expect(late).toEqual([2]);
  });

  it('close ends only its own subscriptions', async () => {
    const bus = new MemoryBus();
    const gateway1 = new MemoryBroker(bus);
    const gateway2 = new MemoryBroker(bus);
    await gateway1.subscribe('room', () => undefined);
    await gateway2.subscribe('room', () => undefined);
    expect(bus.subscriberCount()).toBe(2);
    await gateway1.close();
    expect(bus.subscriberCount()).toBe(1);
    await gateway2.close();
    expect(bus.subscriberCount()).toBe(0);
  });
});
