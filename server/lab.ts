import type { Message, PublishInput } from '../src/core';
import type { Broker } from './broker/broker';
import { MemoryBroker, MemoryBus } from './broker/memory-broker';
import { ConnectionRegistry } from './connections';
import { Hub } from '../src/core/hub';
import { endRestartIfDue, noFaults, type FaultState } from '../src/core/faults';
import { publishFields } from '../src/core/server-steps';
import { HeartbeatWheel } from './heartbeat-wheel';
import { HubLink } from './hub-link';
import { ConnectionLimiter } from './connection-limiter';
import { ObserverStream, type TraceTarget } from './observer-stream';
import { storeLimits, type ServerOptions } from './options';
import { PublishRateLimiter } from './rate-limit';

export type { FaultState } from '../src/core/faults';

/** What tests (and the inspector) can count: nothing should outlive its connection. */
export interface LabStats {
  heldPolls: number;
  sseStreams: number;
  sockets: number;
  observers: number;
  hubListeners: number;
}

/**
 * The state one server instance shares between its plugins, decorated on the
 * Fastify instance as `app.lab`.
 */
export class Lab {
  readonly hub: Hub;
  /** What this server publishes and receives through: given, or a memory broker of its own. */
  readonly broker: Broker;
  private readonly ownsBroker: boolean;
  private readonly link: HubLink;
  readonly observer: ObserverStream;
  readonly connections = new ConnectionRegistry();
  /** The SSE streams' and channel sockets' heartbeats: one timer per interval in use, not one per connection. */
  readonly heartbeats = new HeartbeatWheel();
  readonly faults: FaultState = noFaults();
  /** Caps on open channel connections, per client address and in total (protocol.md, "Limits"). */
  readonly connectionLimiter: ConnectionLimiter;
  /** Publishes an address and each client in it may make over HTTP and WebSocket; schedules the server plays are not limited. */
  readonly publishLimiter: PublishRateLimiter;
  private connCounter = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(readonly options: ServerOptions) {
    const bounds = storeLimits(options.limits);
    this.hub = new Hub(options.history, options.now, bounds);
    this.ownsBroker = options.broker === null;
    const bus = options.broker ? null : new MemoryBus(options.history, options.now, bounds);
    this.broker = options.broker ?? new MemoryBroker(bus!);
    this.link = new HubLink(this.hub, this.broker);
    // Idle empty channels are forgotten within idleChannelMs (at most a minute) of going idle.
    this.sweeper = setInterval(
      () => {
        this.hub.sweep();
        bus?.sweep();
      },
      Math.min(bounds.idleChannelMs, 60_000),
    );
    this.sweeper.unref();
    this.observer = new ObserverStream(options.serverName, options.limits.maxQueuedBytes);
    const limits = options.limits;
    this.connectionLimiter = new ConnectionLimiter(
      limits.maxConnectionsPerAddress,
      limits.maxConnectionsTotal,
    );
    this.publishLimiter = new PublishRateLimiter(
      { ratePerSecond: limits.publishRatePerSecond, burst: limits.publishBurst },
      { ratePerSecond: limits.publishRatePerAddress, burst: limits.publishBurstPerAddress },
    );
  }

  now(): number {
    return this.options.now();
  }

  /** A server-made connection id, used when the client sent no `rid`. */
  nextConnId(): string {
    this.connCounter += 1;
    return `s-${this.connCounter}`;
  }

  /**
   * Ends the simulated restart once its time is up (clears `faults.restartingUntil`);
   * returns whether it is still refusing requests.
   */
  endRestartIfDue(): boolean {
    return endRestartIfDue(this.faults, this.now());
  }

  /**
   * Publishes through the broker (which gives the id) and reports the publish on the
   * observer stream; resolves once this server's Hub holds the message. Rejects
   * RL_ERR_BROKER_DOWN while the broker cannot take it.
   */
  async publish(channel: string, input: PublishInput, target: TraceTarget): Promise<Message> {
    const message = await this.link.publish(channel, input);
    this.observer.record(target, 'publish', 'none', () => publishFields(message));
    return message;
  }

  /**
   * Names the channel (RL_ERR_TOO_MANY_CHANNELS past the cap) and resolves once this
   * gateway has caught up on it from the broker (hub-link.ts, `ready`).
   */
  channelReady(channel: string): Promise<void> {
    return this.link.ready(channel);
  }

  /** Names the channel (as `channelReady`) and says whether it is caught up already. */
  channelIsReady(channel: string): boolean {
    return this.link.isReady(channel);
  }

  /** Ends the broker subscriptions, and closes the broker if the lab made it. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.link.close();
    if (this.ownsBroker) await this.broker.close();
  }

  stats(): LabStats {
    return {
      heldPolls: this.connections.count('long-poll'),
      sseStreams: this.connections.count('sse'),
      sockets: this.connections.count('websocket'),
      observers: this.observer.size,
      hubListeners: this.hub.listenerCount(),
    };
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    lab: Lab;
  }
}
