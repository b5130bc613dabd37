import { BALANCER_POLICIES, type BalancerPolicy } from '../../core/balancer';
import { traceClock } from '../../core/clock';
import { movedSentence, movedUsers, type RegistryEntry } from '../../core/scale-stats';
import {
  DEFAULT_KNOBS,
  ERROR_CODES,
  follow,
  segmentEvent,
  type Technique,
  type TraceEventInput,
} from '../../core';
import {
  scaleDiagramView,
  scaleStore,
  scaleTrace,
  type ScaleState,
  type TopologyChoice,
  type TopologyView,
} from '../../store/scale-store';
import { receiveInto } from '../../store/lab-store';
import type { TraceStore } from '../../store/trace-store';
import { ObserverClient } from '../../transports/observer';
import { PAGE_ID } from '../../transports/page-id';
import * as api from '../../transports/scale-api';
import { OBSERVER_WAIT_MS, Session } from '../../transports/session';
import { describeError, TransportError } from '../../transports/transport-error';
import { ownStepsFilter } from '../own-steps-filter';

/** How often the registry is read while a topology runs. */
export const REGISTRY_EVERY_MS = 500;

export const GATEWAY_RANGE = { min: 2, max: 5 } as const;

/** The topology object as the screen keeps it. */
export function topologyView(topology: api.Topology): TopologyView {
  return {
    balancerPort: topology.balancer.port,
    gateways: topology.gateways.map(({ name, port, up }) => ({ name, port, up })),
    policy: topology.policy,
    broker: topology.broker,
    brokerUp: topology.brokerUp,
    brokerOff: topology.brokerOff === true,
  };
}

/** The balancer's address as this page reaches it: the page's own host name, the balancer's port. */
export function balancerUrl(port: number, where: { protocol: string; hostname: string }): string {
  const host = where.hostname.includes(':') ? `[${where.hostname}]` : where.hostname;
  return `${where.protocol}//${host}:${port}`;
}

interface ScaleStoreLike {
  getState(): ScaleState;
  setState(patch: Partial<ScaleState> | ((s: ScaleState) => Partial<ScaleState>)): void;
}

/**
 * Runs the Scaling lab screen: the topology (through `/api/scale` on the lab's
 * own server), the registry's polling, and a run of participants through the
 * balancer (a Session whose base URL is the balancer) with the observer stream
 * on the page's own origin, which carries the gateways', the balancer's and the
 * broker's steps. Components call it; it alone writes the scale store.
 */
export class ScaleController {
  private session: Session | null = null;
  private observer: ObserverClient | null = null;
  private registryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by every start and stop of a run: an awaiting start that finds it changed gives up. */
  private runTicket = 0;
  private segments = 0;

  constructor(
    private readonly store: ScaleStoreLike = scaleStore,
    private readonly trace: TraceStore = scaleTrace,
    private readonly where: () => { protocol: string; hostname: string } = () => location,
  ) {}

  private notice(text: string | null, code: string | null = null): void {
    this.store.setState({ notice: text, noticeCode: code });
  }

  /** A failure in the server's words, with its code when it carried one. */
  private refused(error: unknown): void {
    this.notice(describeError(error), error instanceof TransportError ? error.code : null);
  }

  /** Opens a step of the run's diagram in the inspector (null closes it). */
  inspect(seq: number | null): void {
    this.store.setState({ inspected: seq });
  }

  /** Sets one field of the topology form; a running topology's policy switches live. */
  choose(patch: Partial<TopologyChoice>): string | null {
    if (patch.gateways !== undefined) {
      const n = patch.gateways;
      if (!Number.isInteger(n) || n < GATEWAY_RANGE.min || n > GATEWAY_RANGE.max)
        return `Gateways must be a whole number from ${GATEWAY_RANGE.min} to ${GATEWAY_RANGE.max}.`;
    }
    if (patch.policy !== undefined && !BALANCER_POLICIES.includes(patch.policy))
      return `Policy must be one of ${BALANCER_POLICIES.join(', ')}.`;
    this.store.setState((s) => ({ choice: { ...s.choice, ...patch } }));
    if (patch.policy !== undefined && this.store.getState().phase === 'running')
      void this.setPolicy(patch.policy);
    return null;
  }

  /** Runs one action on the topology: its answer becomes the view; a refusal is shown in the server's words. */
  private async act(action: () => Promise<api.Topology>): Promise<api.Topology | null> {
    this.store.setState({ busy: true });
    try {
      const topology = await action();
      this.store.setState({ topology: topologyView(topology) });
      this.notice(null);
      return topology;
    } catch (error) {
      this.refused(error);
      return null;
    } finally {
      this.store.setState({ busy: false });
    }
  }

  /** Picks up a topology already running (the screen opened, or came back). */
  async refresh(): Promise<void> {
    try {
      const topology = await api.getTopology();
      this.store.setState({ topology: topologyView(topology), phase: 'running' });
      this.store.setState((s) => ({ choice: { ...s.choice, policy: topology.policy } }));
      this.pollRegistry();
    } catch {
      // None runs (404) or the server is away: the form stays as it is.
    }
  }

  async startTopology(): Promise<void> {
    const { phase, choice } = this.store.getState();
    if (phase !== 'none') return;
    this.store.setState({ phase: 'starting', moved: null });
    const fallback: { noRedis: TransportError | null } = { noRedis: null };
    const topology = await this.act(() =>
      api.startTopology(choice).catch((error: unknown) => {
        if (!(error instanceof TransportError) || error.code !== ERROR_CODES.NO_REDIS) throw error;
        // No Redis to be had: say how to get one, and run on the memory broker meanwhile.
        fallback.noRedis = error;
        return api.startTopology({ ...choice, broker: 'memory' });
      }),
    );
    if (fallback.noRedis !== null && topology !== null) {
      this.store.setState({ choice: { ...choice, broker: 'memory' } });
      this.notice(
        `${describeError(fallback.noRedis)} The memory broker is used instead.`,
        fallback.noRedis.code,
      );
    }
    this.store.setState({ phase: topology ? 'running' : 'none' });
    if (topology) this.pollRegistry();
  }

  async stopTopology(): Promise<void> {
    if (this.store.getState().phase !== 'running') return;
    this.stopRun();
    this.store.setState({ phase: 'stopping', busy: true });
    this.stopPolling();
    try {
      await api.stopTopology();
      this.store.setState({ topology: null, registry: [], moved: null });
      this.notice(null);
    } catch (error) {
      this.refused(error);
    } finally {
      this.store.setState({ phase: 'none', busy: false });
    }
  }

  async setPolicy(policy: BalancerPolicy): Promise<void> {
    await this.act(() => api.setPolicy(policy));
  }

  async kill(name: string): Promise<void> {
    await this.act(() => api.killGateway(name));
  }

  async restart(name: string): Promise<void> {
    await this.act(() => api.restartGateway(name));
  }

  async setBrokerUp(up: boolean): Promise<void> {
    await this.act(() => api.setBrokerUp(up));
  }

  async setBrokerOff(off: boolean): Promise<void> {
    await this.act(() => api.setBrokerOff(off));
  }

  async addGateway(): Promise<void> {
    await this.changeGateways(() => api.addGateway(), 'added');
  }

  async removeGateway(name: string): Promise<void> {
    await this.changeGateways(() => api.removeGateway(name), 'removed');
  }

  /** An add or a remove, then "k of n users moved": the server's count, else the ring's over the registry's users. */
  private async changeGateways(
    action: () => Promise<api.Topology>,
    verb: 'added' | 'removed',
  ): Promise<void> {
    const before = this.store.getState().topology?.gateways.map((g) => g.name) ?? [];
    const registry: RegistryEntry[] = this.store.getState().registry;
    const topology = await this.act(action);
    if (!topology) return;
    const after = topology.gateways.map((g) => g.name);
    const changed =
      verb === 'added'
        ? after.filter((name) => !before.includes(name))
        : before.filter((name) => !after.includes(name));
    const told = topology.moved;
    const counted = movedUsers(
      before,
      after,
      registry,
      told ? { moved: told.users, total: told.of } : undefined,
    );
    this.store.setState({
      moved: { ...counted, change: `${changed.join(', ')} ${verb}: ${movedSentence(counted)}` },
    });
  }

  /** Reads the registry every REGISTRY_EVERY_MS while a topology runs. */
  private pollRegistry(): void {
    this.stopPolling();
    const tick = async (): Promise<void> => {
      try {
        const registry = await api.getRegistry();
        if (this.registryTimer === null) return;
        this.store.setState({ registry });
      } catch (error) {
        if (error instanceof TransportError && error.code === ERROR_CODES.NO_TOPOLOGY) {
          this.topologyGone(error);
          return;
        }
        // Anything else: the next tick asks again.
      }
      if (this.registryTimer !== null)
        this.registryTimer = setTimeout(() => void tick(), REGISTRY_EVERY_MS);
    };
    this.registryTimer = setTimeout(() => void tick(), 0);
  }

  /** The topology was stopped elsewhere (another page, a test, the API): the screen says so and resets. */
  private topologyGone(error: TransportError): void {
    this.stopRun();
    this.stopPolling();
    this.store.setState({ phase: 'none', topology: null, registry: [], moved: null });
    this.notice(`The topology stopped elsewhere: ${error.message}`, error.code);
  }

  private stopPolling(): void {
    if (this.registryTimer !== null) clearTimeout(this.registryTimer);
    this.registryTimer = null;
  }

  /** The screen was left: the run ends and the registry is no longer read (the topology keeps running). */
  leave(): void {
    this.stopRun();
    this.stopPolling();
  }

  setTechnique(technique: Technique): void {
    const state = this.store.getState();
    if (state.technique === technique) return;
    const wasRunning = state.run !== 'stopped';
    this.stopRun();
    this.store.setState({ technique });
    if (wasRunning) void this.startRun();
  }

  /** Starts Alice, Bob and Carol through the balancer, on a channel of this run's own. */
  async startRun(): Promise<void> {
    const state = this.store.getState();
    if (state.run !== 'stopped') return;
    if (state.phase !== 'running' || !state.topology) {
      this.notice('Start a topology first: the participants connect through its balancer.');
      return;
    }
    const ticket = ++this.runTicket;
    const channel = `scale-${Date.now().toString(36)}`;
    this.trace.clear();
    scaleDiagramView.setState({ view: follow(scaleDiagramView.getState().view) });
    this.store.setState({ run: 'starting', channel, inboxes: {}, inspected: null });
    this.notice(null);
    const share = ownStepsFilter(this.trace);
    share.adopt(`broker:${channel}`);
    share.append(
      segmentEvent(
        {
          technique: state.technique,
          sender: state.sender,
          receivers: [...state.receivers],
          knobs: { ...DEFAULT_KNOBS },
          preset: null,
          serverSource: null,
          reason: 'start',
        },
        traceClock(),
        `segment-scale-${++this.segments}`,
      ),
    );
    await this.listen(share);
    if (ticket !== this.runTicket) return;
    const session = new Session({
      technique: state.technique,
      channel,
      baseUrl: balancerUrl(state.topology.balancerPort, this.where()),
      knobs: DEFAULT_KNOBS,
      sender: state.sender,
      receivers: state.receivers,
      store: share,
      owner: PAGE_ID,
      // A fresh channel: every receiver starts at its beginning.
      syncLastId: false,
      onMessage: (receiver, message) =>
        this.store.setState((s) => ({ inboxes: receiveInto(s.inboxes, receiver, message) })),
    });
    this.session = session;
    await session.start();
    if (ticket === this.runTicket) this.store.setState({ run: 'running' });
  }

  /** The server's steps (gateways, balancer, broker) come on the lab's own observer stream. */
  private async listen(share: { append(event: TraceEventInput): void }): Promise<void> {
    await new Promise<void>((resolve) => {
      const client = new ObserverClient({
        baseUrl: '',
        owner: PAGE_ID,
        emit: (event) => share.append(event),
        onHello: () => resolve(),
      });
      this.observer = client;
      client.start();
      setTimeout(resolve, OBSERVER_WAIT_MS);
    });
  }

  stopRun(): void {
    this.runTicket++;
    this.session?.stop();
    this.session = null;
    this.observer?.stop();
    this.observer = null;
    this.trace.flush();
    if (this.store.getState().run !== 'stopped') this.store.setState({ run: 'stopped' });
  }

  async send(text: string): Promise<boolean> {
    const trimmed = text.trim();
    if (trimmed === '') {
      this.notice('Type a message first: an empty message is not sent.');
      return false;
    }
    if (!this.session) {
      this.notice('Press Start run first: the participants connect when the run starts.');
      return false;
    }
    try {
      await this.session.send(trimmed);
      this.notice(null);
      return true;
    } catch (error) {
      this.notice(
        `The message was not sent: ${describeError(error)}`,
        error instanceof TransportError ? error.code : null,
      );
      return false;
    }
  }
}

export const scaleController = new ScaleController();
