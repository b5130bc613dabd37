import type { TraceEvent } from '../core';

/**
 * The Scaling lab's server lanes (docs/protocol.md, "Scaling lab"): the
 * balancer every participant talks to, the gateways behind it, and the broker
 * between them. A trace without any of their steps has none of these lanes.
 */

export const BALANCER_ACTOR = 'balancer';
export const BROKER_ACTOR = 'broker';

const GATEWAY = /^gateway-(\d+)$/;

export function isGateway(actor: string | undefined): actor is string {
  return actor !== undefined && GATEWAY.test(actor);
}

/** Whether an actor is one of the Scaling lab's server lanes (never a participant). */
export function isScaleServer(actor: string | undefined): boolean {
  return actor === BALANCER_ACTOR || actor === BROKER_ACTOR || isGateway(actor);
}

/** Gateways in number order: `gateway-2` before `gateway-10`. */
export function byGatewayNumber(a: string, b: string): number {
  return Number(GATEWAY.exec(a)?.[1] ?? 0) - Number(GATEWAY.exec(b)?.[1] ?? 0);
}

/** "Gateway 1", "Balancer", "Broker". */
export function scaleLaneTitle(actor: string): string {
  const number = GATEWAY.exec(actor)?.[1];
  if (number !== undefined) return `Gateway ${number}`;
  return actor.charAt(0).toUpperCase() + actor.slice(1);
}

/**
 * What a trace shows of the Scaling lab, kept up to date one step at a time:
 * the gateways seen, and which gateway each connection was routed to (its
 * bars sit beside that gateway's lifeline).
 */
export class ScaleSeen {
  private readonly gateways = new Set<string>();
  private balancer = false;
  private broker = false;
  readonly gatewayOfConn = new Map<string, string>();
  /** The server lanes in order, or empty when the trace has no Scaling lab step. */
  lanes: readonly string[] = [];

  add(event: TraceEvent): void {
    let changed = false;
    const gateway = (name: string | undefined): void => {
      if (!isGateway(name) || this.gateways.has(name)) return;
      this.gateways.add(name);
      changed = true;
    };
    if (event.observer === 'broker') {
      if (!this.broker) changed = this.broker = true;
      gateway(event.peer);
    } else if (event.observer === 'server') {
      if (event.actor === BALANCER_ACTOR) {
        if (!this.balancer) changed = this.balancer = true;
        const chosen = event.details?.gateway;
        gateway(chosen);
        if (event.kind === 'route' && isGateway(chosen)) this.gatewayOfConn.set(event.conn, chosen);
      } else if (event.actor === BROKER_ACTOR) {
        if (!this.broker) changed = this.broker = true;
      } else if (isGateway(event.actor)) {
        gateway(event.actor);
        if (event.kind !== 'fault' && !this.gatewayOfConn.has(event.conn))
          this.gatewayOfConn.set(event.conn, event.actor);
      }
    }
    if (changed) this.lanes = this.order();
  }

  private order(): string[] {
    // Any Scaling lab step means the participants talk to a balancer, and gateways share a broker.
    return [BALANCER_ACTOR, ...[...this.gateways].sort(byGatewayNumber), BROKER_ACTOR];
  }
}

/** A Scaling lab fault as a band: the key that pairs its start with its end, and its words. */
export interface ScaleFault {
  key: string;
  /** The band's name (its start), or the word its end adds ("restarted", "up"). */
  label: string;
  phase: 'start' | 'end' | 'instant';
}

/** How a scale fault step reads on its band ("gateway-2 killed" … "restarted"), or null for any other fault. */
export function scaleFault(event: TraceEvent): ScaleFault | null {
  const actor = event.actor;
  switch (event.details?.fault) {
    case 'gateway-killed':
      return { key: `gateway-killed:${actor}`, label: `${actor} killed`, phase: 'start' };
    case 'gateway-restarted':
      return { key: `gateway-killed:${actor}`, label: 'restarted', phase: 'end' };
    case 'broker-down':
      return { key: 'broker-down', label: 'broker down', phase: 'start' };
    case 'broker-up':
      return { key: 'broker-down', label: 'up', phase: 'end' };
    case 'gateway-added':
    case 'gateway-removed': {
      const done = event.details.fault === 'gateway-added' ? 'added' : 'removed';
      // "gateway-4 added: 1 of 3 users moved (consistent-hash)": the line keeps the count, not the policy.
      const note = event.details.note?.replace(/\s*\([^)]*\)\s*$/, '');
      const label = note !== undefined && note.length <= 40 ? note : `${actor} ${done}`;
      return { key: `${event.details.fault}:${actor}`, label, phase: 'instant' };
    }
    default:
      return null;
  }
}
