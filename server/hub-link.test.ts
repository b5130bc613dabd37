import { describe, expect, it } from 'vitest';
import { buildApp } from './app';
import type { Broker, BrokerListener, Unsubscribe } from './broker/broker';
import { MemoryBroker, MemoryBus } from './broker/memory-broker';
import { Hub } from '../src/core/hub';
import { HubLink } from './hub-link';

const input = (text: string) => ({ from: 'alice', text });

describe('HubLink', () => {
  it('subscribes every channel the Hub names, lobby first, and ends them all on close', async () => {
    const bus = new MemoryBus();
    const hub = new Hub();
    const link = new HubLink(hub, new MemoryBroker(bus));
    hub.channel('room');
    await Promise.resolve();
    expect(bus.subscriberCount()).toBe(2);
    await link.close();
    expect(bus.subscriberCount()).toBe(0);
  });

  it('answers a publish with the broker id once its own Hub holds it, and takes the others too', async () => {
    const bus = new MemoryBus();
    const hub = new Hub();
    const link = new HubLink(hub, new MemoryBroker(bus));
    const other = new MemoryBroker(bus);
    await link.publish('lobby', input('one'));
    await other.publish('lobby', input('from elsewhere'));
    const third = await link.publish('lobby', input('three'));
    expect(third.id).toBe(3);
    expect(hub.since('lobby', 0).messages.map((m) => m.text)).toEqual([
      'one',
      'from elsewhere',
      'three',
    ]);
    // A message the Hub already holds, delivered again, is dropped.
    expect(hub.accept(third)).toBe(false);
    await link.close();
  });

  it('catches a channel up from the broker history from its last id when first named', async () => {
    const bus = new MemoryBus();
    const broker = new MemoryBroker(bus);
    for (let i = 1; i <= 3; i++) await broker.publish('late', input(`m${i}`));
    const hub = new Hub();
    const link = new HubLink(hub, new MemoryBroker(bus));
    const fourth = await link.publish('late', input('m4'));
    expect(fourth.id).toBe(4);
    expect(hub.since('late', 0).messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
    await link.close();
  });

  it('reads the history itself when its own message does not come back live', async () => {
    const bus = new MemoryBus();
    const memory = new MemoryBroker(bus);
    // Live delivery that loses everything (as pub/sub may): only the history has it.
    const lossy: Broker = {
      kind: 'memory',
      limits: memory.limits,
      publish: (channel, message) => memory.publish(channel, message),
      since: (channel, sinceId) => memory.since(channel, sinceId),
      subscribe: (_channel: string, _listener: BrokerListener): Promise<Unsubscribe> =>
        Promise.resolve(() => Promise.resolve()),
      close: () => memory.close(),
    };
    const hub = new Hub();
    const link = new HubLink(hub, lossy);
    const started = Date.now();
    const message = await link.publish('lobby', input('lost live'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(hub.channel('lobby').lastId).toBe(message.id);
    await link.close();
  });

  it('a lab without a broker runs on a memory broker of its own and closes it with the app', async () => {
    const app = await buildApp();
    const broker = app.lab.broker;
    expect(broker.kind).toBe('memory');
    const message = await app.lab.publish('lobby', input('hi'), { technique: null, conn: 't' });
    expect(message.id).toBe(1);
    expect(app.lab.hub.channel('lobby').lastId).toBe(1);
    await app.close();
    await expect(broker.publish('lobby', input('after'))).rejects.toMatchObject({
      code: 'RL_ERR_BROKER_DOWN',
    });
  });
});
