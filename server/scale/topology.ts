/**
 * The Scaling lab's topology (issue #12): 2–5 gateways (`gateway-1` …) on one
 * broker, and one `LabBalancer` in front, all on 127.0.0.1 free ports. Its
 * operations — add, remove (graceful), kill (abrupt), restart, switch the
 * policy, broker down/up, stop — run one at a time, in the order they come.
 *
 * The broker: `memory` is one `MemoryBus` with a `MemoryBroker` per gateway;
 * `redis` is the Redis of redis-source.ts with a `RedisBroker` per gateway.
 * Broker down and broker off are the same for both (broker-switch.ts): each
 * gateway's broker is wrapped in a `SwitchedBroker` the topology's `BrokerSwitch`
 * controls. Down: the fan-out is down, the history is not (a publish reaches only
 * its own gateway live; the others read it from the history on up). Off: no broker
 * between gateways at all (a message published while off never reaches another
 * gateway, not even after on).
 *
 * Its trace (given `trace`, the main lab's observer stream): every gateway's
 * own steps, the balancer's `route` steps (route-trace.ts), the broker's
 * `publish` and `deliver` steps (broker-trace.ts) and the scale faults
 * (scale-faults.ts), with "k of n users moved" on add and remove (moved-users.ts).
 */
import { createClient } from 'redis';
import { labError, type BalancerPolicy } from '../../src/core';
import type { Broker } from '../broker/broker';
import { MemoryBroker, MemoryBus } from '../broker/memory-broker';
import { RedisBroker } from '../broker/redis-broker';
import type { TraceSink } from '../observer-stream';
import { LabBalancer, type GatewayEntry } from './balancer';
import { BrokerTrace } from './broker-trace';
import { BrokerSwitch, SwitchedBroker } from './broker-switch';
import {
  startLabGateway,
  type GatewayHandle,
  type GatewaySettings,
  type StartGateway,
} from './gateway';
import { movedUsers, type MovedUsers } from './moved-users';
import { openRedisSource, type RedisSource } from './redis-source';
import { RouteTrace } from './route-trace';
import { recordScaleFault, type ScaleFault } from './scale-faults';

export type BrokerKind = 'memory' | 'redis';

export const TOPOLOGY_LIMITS = { minGateways: 2, maxGateways: 5, defaultGateways: 3 } as const;

/** What `GET /api/scale` answers. */
export interface TopologyView {
  readonly balancer: { readonly port: number };
  readonly gateways: GatewayEntry[];
  readonly policy: BalancerPolicy;
  readonly broker: BrokerKind;
  readonly brokerUp: boolean;
  /** The broker switched off: no delivery between gateways. */
  readonly brokerOff: boolean;
}

/** What adding or removing a gateway answers: the topology, and who moved. */
export interface TopologyChange extends TopologyView {
  readonly moved: Omit<MovedUsers, 'note'>;
}

export interface TopologyOptions {
  readonly gateways?: number;
  readonly policy?: BalancerPolicy;
  readonly broker?: BrokerKind;
  readonly startGateway?: StartGateway;
  /** Origins whose pages may use the gateways through the balancer (the lab's own). */
  readonly allowedOrigins?: readonly string[];
  /** Where Redis comes from (default: LAB_REDIS_URL, else a child redis-server). */
  readonly redis?: () => Promise<RedisSource>;
  /** Where the topology's steps go (the main lab's observer stream); none: no trace. */
  readonly trace?: TraceSink;
}

interface Gateway {
  readonly name: string;
  port: number;
  handle: GatewayHandle | null;
  broker: Broker | null;
}

/** How the gateways reach one broker: a new per-gateway instance, and the end. */
interface BrokerPlant {
  open(): Promise<Broker>;
  close(): Promise<void>;
}

function memoryPlant(): BrokerPlant {
  const bus = new MemoryBus();
  return {
    open: () => Promise.resolve(new MemoryBroker(bus)),
    close: () => Promise.resolve(),
  };
}

async function redisPlant(source: RedisSource): Promise<BrokerPlant> {
  // Its own keys per topology, so a LAB_REDIS_URL shared by runs starts each one empty.
  const prefix = `rl:scale:${Date.now().toString(36)}:`;
  const probe = createClient({ url: source.url, disableOfflineQueue: true });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch {
    await source.stop();
    throw labError('NO_REDIS', `redis at ${source.url} did not answer`);
  } finally {
    probe.destroy();
  }
  return {
    open: () => RedisBroker.connect({ url: source.url, prefix }),
    close: () => source.stop(),
  };
}

export class Topology {
  private readonly gateways: Gateway[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private readonly switch = new BrokerSwitch();
  private stopped = false;

  private constructor(
    private readonly balancer: LabBalancer,
    private readonly routes: RouteTrace,
    private readonly brokerTrace: BrokerTrace,
    private readonly plant: BrokerPlant,
    readonly broker: BrokerKind,
    private readonly startGateway: StartGateway,
    /** The Redis in use (`redis` only): its URL and, for a child, its pid. */
    readonly redis: RedisSource | null,
    private readonly gatewaySettings: GatewaySettings,
    private readonly trace: TraceSink | undefined,
  ) {}

  /** Starts the broker, the gateways and the balancer; on any failure, stops what it started. */
  static async start(options: TopologyOptions = {}): Promise<Topology> {
    const broker = options.broker ?? 'memory';
    const redis = broker === 'redis' ? await (options.redis ?? openRedisSource)() : null;
    const plant = redis === null ? memoryPlant() : await redisPlant(redis);
    const routes = new RouteTrace(options.trace);
    const balancer = new LabBalancer({
      policy: options.policy ?? 'consistent-hash',
      onRoute: routes.onRoute,
    });
    const startGateway = options.startGateway ?? startLabGateway;
    const settings: GatewaySettings = {
      allowedOrigins: options.allowedOrigins ?? [],
      ...(options.trace === undefined ? {} : { trace: options.trace }),
    };
    const topology = new Topology(
      balancer,
      routes,
      new BrokerTrace(options.trace),
      plant,
      broker,
      startGateway,
      redis,
      settings,
      options.trace,
    );
    try {
      await balancer.listen();
      const count = options.gateways ?? TOPOLOGY_LIMITS.defaultGateways;
      for (let i = 1; i <= count; i++)
        topology.gateways.push(await topology.launch(`gateway-${i}`));
      topology.publish();
      return topology;
    } catch (error) {
      await topology.stop();
      throw error;
    }
  }

  view(): TopologyView {
    return {
      balancer: { port: this.balancer.port },
      gateways: this.entries(),
      policy: this.balancer.policy,
      broker: this.broker,
      brokerUp: this.switch.up,
      brokerOff: this.switch.off,
    };
  }

  /** The balancer itself, for its registry and its port. */
  get proxy(): LabBalancer {
    return this.balancer;
  }

  setPolicy(policy: BalancerPolicy): Promise<TopologyView> {
    return this.serial(() => this.balancer.setPolicy(policy));
  }

  /** Adds `gateway-N`, N one more than the highest name so far; 409 at five. Says who moved. */
  async addGateway(): Promise<TopologyChange> {
    let moved: MovedUsers | null = null;
    const view = await this.serial(async () => {
      if (this.gateways.length >= TOPOLOGY_LIMITS.maxGateways)
        throw labError(
          'GATEWAY_CONFLICT',
          `the topology has ${TOPOLOGY_LIMITS.maxGateways} gateways already, the most it takes`,
        );
      const highest = Math.max(0, ...this.gateways.map((g) => Number(g.name.slice(8))));
      const before = this.names();
      const gateway = await this.launch(`gateway-${highest + 1}`);
      this.gateways.push(gateway);
      this.publish();
      moved = this.moved(gateway.name, 'added', before);
      this.fault(gateway.name, 'gateway-added', moved.note);
    });
    return withMoved(view, moved);
  }

  /** Removes a gateway gracefully: no new routes to it, then its clients get proper closes. Says who moved. */
  async removeGateway(name: string): Promise<TopologyChange> {
    let moved: MovedUsers | null = null;
    const view = await this.serial(async () => {
      const gateway = this.find(name);
      if (this.gateways.length <= 1)
        throw labError(
          'GATEWAY_CONFLICT',
          `${name} is the last gateway: stop the topology instead`,
        );
      const before = this.names();
      this.gateways.splice(this.gateways.indexOf(gateway), 1);
      this.publish();
      moved = this.moved(name, 'removed', before);
      this.fault(name, 'gateway-removed', moved.note);
      await this.shut(gateway, 'close');
    });
    return withMoved(view, moved);
  }

  /** Kills a gateway as a crash: the balancer's sockets to it destroyed, its server closed without goodbyes. */
  killGateway(name: string): Promise<TopologyView> {
    return this.serial(async () => {
      const gateway = this.find(name);
      if (gateway.handle === null) throw labError('GATEWAY_CONFLICT', `${name} is down already`);
      const handle = gateway.handle;
      gateway.handle = null;
      this.publish();
      const ended = this.balancer.destroyConnectionsTo(name);
      this.fault(
        name,
        'gateway-killed',
        `${name} crashed: ${ended} proxied connection${ended === 1 ? '' : 's'} cut, no goodbyes`,
      );
      await this.shut({ ...gateway, handle }, 'kill');
      gateway.broker = null;
    });
  }

  /** Brings a killed gateway back under its name, on a fresh port. */
  restartGateway(name: string): Promise<TopologyView> {
    return this.serial(async () => {
      const gateway = this.find(name);
      if (gateway.handle !== null)
        throw labError('GATEWAY_CONFLICT', `${name} is up: kill it first`);
      const fresh = await this.launch(name);
      Object.assign(gateway, fresh);
      this.publish();
      this.fault(name, 'gateway-restarted', `${name} is back, on port ${fresh.port}`);
    });
  }

  /** Takes the broker's fan-out down (`false`) or brings it back (`true`); its history stays up. */
  setBrokerUp(up: boolean): Promise<TopologyView> {
    return this.serial(() => {
      if (this.switch.up === up) return;
      // The step first: the catch-up that up starts is drawn after it.
      if (up)
        this.fault(
          'broker',
          'broker-up',
          'the broker is back: gateways read what they missed from its history',
        );
      else
        this.fault(
          'broker',
          'broker-down',
          'the broker is down: a message reaches only the gateway that took it',
        );
      this.switch.setUp(up);
    });
  }

  /** Switches the broker off (`true`: no delivery between gateways) or on again (`false`). */
  setBrokerOff(off: boolean): Promise<TopologyView> {
    return this.serial(() => {
      if (this.switch.off === off) return;
      if (off)
        this.fault(
          'broker',
          'broker-off',
          'no broker: each gateway reaches only its own clients, and never will for these messages',
        );
      else
        this.fault(
          'broker',
          'broker-on',
          'the broker is on: messages cross between gateways again',
        );
      this.switch.setOff(off);
    });
  }

  /** Stops the balancer, every gateway (gracefully), their brokers and a Redis the lab started. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.queue.catch(() => undefined);
    await this.balancer.close();
    await Promise.all(this.gateways.map((g) => this.shut(g, 'close')));
    this.gateways.length = 0;
    await this.plant.close();
  }

  private serial(operation: () => unknown): Promise<TopologyView> {
    const run = this.queue.then(async () => {
      if (this.stopped) throw labError('NO_TOPOLOGY');
      await operation();
      return this.view();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private find(name: string): Gateway {
    const gateway = this.gateways.find((g) => g.name === name);
    if (gateway === undefined)
      throw labError('NO_SUCH_GATEWAY', `the topology has no gateway "${name}"`);
    return gateway;
  }

  private names(): string[] {
    return this.gateways.map((g) => g.name);
  }

  /** Who moves when `gateway` joins or leaves the gateways `before`, under the policy in force. */
  private moved(gateway: string, change: 'added' | 'removed', before: string[]): MovedUsers {
    return movedUsers({
      policy: this.balancer.policy,
      gateway,
      change,
      before,
      after: this.names(),
      users: this.routes.routedUsers(),
      landed: this.routes.stickyPlaces(),
    });
  }

  private fault(actor: string, fault: ScaleFault, note: string): void {
    recordScaleFault(this.trace, actor, fault, note);
  }

  private async launch(name: string): Promise<Gateway> {
    const switched = new SwitchedBroker(await this.plant.open(), name, this.switch);
    const broker = this.brokerTrace.wrap(switched, name, () => this.switch.fanOut);
    try {
      const handle = await this.startGateway(name, broker, this.gatewaySettings);
      return { name, port: handle.port, handle, broker };
    } catch (error) {
      await broker.close().catch(() => undefined);
      throw error;
    }
  }

  private async shut(gateway: Gateway, how: 'close' | 'kill'): Promise<void> {
    const { handle, broker } = gateway;
    if (handle !== null) await (how === 'close' ? handle.close() : handle.kill());
    if (broker !== null) await broker.close().catch(() => undefined);
  }

  private entries(): GatewayEntry[] {
    return this.gateways.map((g) => ({ name: g.name, port: g.port, up: g.handle !== null }));
  }

  /** Tells the balancer the current gateways. */
  private publish(): void {
    this.balancer.setGateways(this.entries());
  }
}

function withMoved(view: TopologyView, moved: MovedUsers | null): TopologyChange {
  if (moved === null) throw new Error('the change ran without counting who moved');
  const { note: _note, ...figure } = moved;
  return { ...view, moved: figure };
}
