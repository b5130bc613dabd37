/**
 * Run as its own process by the broker tests: opens a broker (`LAB_REDIS_URL` set:
 * Redis, else memory), publishes, resumes, closes, and prints `closed`. The process
 * must then exit by itself — proof that `close()` leaves no open handle.
 */
import type { Broker } from '../broker/broker';
import { subscribeFrom } from '../broker/broker';
import { MemoryBroker } from '../broker/memory-broker';
import { RedisBroker } from '../broker/redis-broker';

const url = process.env.LAB_REDIS_URL;
const broker: Broker = url
  ? await RedisBroker.connect({ url, prefix: `rl-close-${process.pid}:` })
  : new MemoryBroker();
await broker.publish('room', { from: 'alice', text: 'one' });
const delivered = new Promise<void>((resolve) => {
  void subscribeFrom(broker, 'room', 0, (message) => {
    if (message.id === 2) resolve();
  });
});
await broker.publish('room', { from: 'alice', text: 'two' });
await delivered;
await broker.close();
console.log('closed');
