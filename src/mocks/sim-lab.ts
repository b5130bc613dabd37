import { DEFAULT_KNOBS, type Knobs, type Message, type PublishInput } from '../core';
import { ConnectionRegistry } from '../core/connection-registry';
import { FaultController, endRestartIfDue, noFaults, type FaultState } from '../core/faults';
import { Hub } from '../core/hub';
import { SchedulePlayer } from '../core/schedule-player';
import { publishFields, type TraceTarget } from '../core/server-steps';
import { SimObserver } from './sim-observer';

/** The simulated server's name: its lane and every step's actor, as the lab server's. */
export const SIM_SERVER_NAME = 'server-1';

/**
 * The simulated lab server: the same channel hub, connection registry, faults and schedule
 * player the Node server runs (all from src/core), with an observer that tells the page
 * each step. It lives in the page (offline mode) or in a Node test, never on a network.
 */
export class SimLab {
  readonly hub: Hub;
  readonly connections = new ConnectionRegistry();
  readonly faults: FaultState = noFaults();
  readonly observer = new SimObserver(SIM_SERVER_NAME);
  readonly faultControl: FaultController;
  readonly schedules: SchedulePlayer;
  /** The knobs' defaults the simulated endpoints use when a request names none. */
  readonly knobs: Knobs = { ...DEFAULT_KNOBS };
  private connCounter = 0;
  private readonly unwatchOwners: () => void;

  constructor(private readonly clock: () => number = Date.now) {
    this.hub = new Hub(undefined, clock);
    this.faultControl = new FaultController({
      faults: this.faults,
      connections: this.connections,
      now: () => this.now(),
      record: (fault, note, more = {}) =>
        this.observer.record({ technique: null, conn: 'faults' }, 'fault', 'none', {
          details: { fault, note, ...more },
        }),
    });
    this.schedules = new SchedulePlayer({
      now: () => this.now(),
      publish: (channel, input, target) => this.publish(channel, input, target),
      hasOwner: (owner) => this.observer.hasOwner(owner),
      restartingUntil: () => this.faults.restartingUntil,
      endRestartIfDue: () => this.restarting(),
    });
    this.unwatchOwners = this.observer.onOwnerLeft((owner) => this.schedules.ownerLeft(owner));
  }

  now(): number {
    return this.clock();
  }

  /** A simulation-made connection id, used when the client sent no `rid`. */
  nextConnId(): string {
    this.connCounter += 1;
    return `s-${this.connCounter}`;
  }

  /** Whether a simulated reboot still refuses requests. */
  restarting(): boolean {
    return endRestartIfDue(this.faults, this.now());
  }

  /** Publishes into the hub (which gives the id and fans out in the same tick) and traces it. */
  async publish(channel: string, input: PublishInput, target: TraceTarget): Promise<Message> {
    const message = this.hub.publish(channel, input);
    this.observer.record(target, 'publish', 'none', () => publishFields(message));
    return message;
  }

  /** Ends every held connection and schedule (a test's teardown; a page just goes). */
  close(): void {
    this.unwatchOwners();
    this.schedules.stopAll();
    this.connections.endAll('shutdown');
  }
}
