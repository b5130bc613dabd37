/**
 * The Scaling lab's counters, folded from a trace (the Scaling lab trace
 * contract: gateway steps are the server's steps with the gateway as actor, the
 * balancer's are `route` steps, the broker's are `publish` and `deliver` steps
 * seen by `broker`). Pure: the screen passes its trace and the registry it
 * polled, and draws what comes back.
 */
import { movedKeys } from './balancer';
import { summariseLatencies, type LatencyStats } from './stats';
import type { TraceEvent } from './trace';

/** One connection the balancer's registry lists (`GET /api/scale/registry`). */
export interface RegistryEntry {
  readonly user: string | null;
  readonly technique: string | null;
  readonly gateway: string;
  readonly conn: string | null;
}

export interface ScaleStats {
  /** Messages a receiver got from a gateway other than the one whose publish took them. */
  crossGateway: number;
  /** Messages a receiver got from the gateway that took them. */
  sameGateway: number;
  /** Messages the broker carried (its `publish` steps, one per id). */
  brokerMessages: number;
  /** The payload bytes the broker carried for them. */
  brokerBytes: number;
  /** Hand-offs from the broker to a gateway (its `deliver` steps). */
  brokerDeliveries: number;
  /** Delivery latency of messages that stayed on one gateway, and of those that crossed between two. */
  latencyOneGateway: LatencyStats;
  latencyAcross: LatencyStats;
}

const GATEWAY_ACTOR = /^gateway-\d+$/;

/** Whether an actor is one of the Scaling lab's gateways (`gateway-1`, …). */
export function isGatewayActor(actor: string): boolean {
  return GATEWAY_ACTOR.test(actor);
}

/**
 * Where each user is, by the registry: the gateway of their first listed
 * connection (a user with many connections is on the first one's gateway).
 */
export function placementOf(registry: readonly RegistryEntry[]): Map<string, string> {
  const placed = new Map<string, string>();
  for (const entry of registry) {
    if (entry.user !== null && !placed.has(entry.user)) placed.set(entry.user, entry.gateway);
  }
  return placed;
}

/** Open connections per gateway, by the registry; every gateway named is listed, with 0 when it holds none. */
export function connectionsPerGateway(
  registry: readonly RegistryEntry[],
  gateways: readonly string[] = [],
): Map<string, number> {
  const counts = new Map<string, number>(gateways.map((name) => [name, 0]));
  for (const entry of registry) counts.set(entry.gateway, (counts.get(entry.gateway) ?? 0) + 1);
  return counts;
}

/** What the trace says about each message: who took it, who carried it to whom, and each receipt. */
interface TraceReading {
  tookBy: Map<number, string>;
  senderOf: Map<number, string>;
  carriedBy: Map<string, string>;
  routedTo: Map<string, string>;
  brokerIds: Set<number>;
  brokerBytes: number;
  brokerDeliveries: number;
  receipts: Receipt[];
}

interface Receipt {
  key: string;
  receiver: string;
  id: number;
  latency: number | null;
  /** The gateway the balancer had last routed the receiver to when the copy arrived. */
  routed: string | undefined;
}

function readBrokerStep(event: TraceEvent, reading: TraceReading): void {
  if (event.kind === 'deliver') reading.brokerDeliveries += 1;
  if (event.kind !== 'publish') return;
  const from = event.peer ?? event.details?.from;
  for (const id of event.messageIds ?? []) {
    if (from !== undefined) reading.tookBy.set(id, from);
    if (reading.brokerIds.has(id)) continue;
    reading.brokerIds.add(id);
    reading.brokerBytes += event.bytes?.payload ?? 0;
  }
}

function readServerStep(event: TraceEvent, reading: TraceReading): void {
  if (event.kind === 'route' && event.peer !== undefined && event.details?.gateway)
    reading.routedTo.set(event.peer, event.details.gateway);
  if (!isGatewayActor(event.actor)) return;
  const ids = event.messageIds ?? [];
  if (event.kind === 'publish') {
    for (const id of ids) if (!reading.tookBy.has(id)) reading.tookBy.set(id, event.actor);
  } else if (event.dir === 'down' && event.peer !== undefined) {
    for (const id of ids) reading.carriedBy.set(`${event.peer}\u0000${id}`, event.actor);
  }
}

function readClientStep(event: TraceEvent, reading: TraceReading, seen: Set<string>): void {
  const ids = event.messageIds ?? [];
  if (event.kind === 'publish') {
    for (const id of ids) reading.senderOf.set(id, event.actor);
    return;
  }
  if (event.kind !== 'deliver' || event.details?.duplicate) return;
  for (const id of ids) {
    const key = `${event.actor}\u0000${id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const sentAt = event.details?.sentAt;
    reading.receipts.push({
      key,
      receiver: event.actor,
      id,
      latency: sentAt === undefined ? null : event.t - sentAt,
      routed: reading.routedTo.get(event.actor),
    });
  }
}

function readTrace(events: Iterable<TraceEvent>): TraceReading {
  const reading: TraceReading = {
    tookBy: new Map(),
    senderOf: new Map(),
    carriedBy: new Map(),
    routedTo: new Map(),
    brokerIds: new Set(),
    brokerBytes: 0,
    brokerDeliveries: 0,
    receipts: [],
  };
  const seen = new Set<string>();
  for (const event of events) {
    if (event.observer === 'broker') readBrokerStep(event, reading);
    else if (event.observer === 'server') readServerStep(event, reading);
    else readClientStep(event, reading, seen);
  }
  return reading;
}

/**
 * Folds a trace into the Scaling lab's counters. Which gateway took a message:
 * the broker's `publish` step (its peer), else a gateway's own `publish` step
 * (its actor). Which gateway gave it to a receiver: the gateway's step that
 * carried it down to that receiver (peer = the receiver), else the gateway the
 * balancer had last routed the receiver to when it got it, else — when the
 * trace holds no such server steps — where `placement` (the registry) puts the
 * sender and the receiver. A receiver's copy counts once, at its first `deliver` step.
 */
export function scaleStats(
  events: Iterable<TraceEvent>,
  placement: ReadonlyMap<string, string> = new Map(),
): ScaleStats {
  const {
    tookBy,
    senderOf,
    carriedBy,
    routedTo,
    brokerIds,
    brokerBytes,
    brokerDeliveries,
    receipts,
  } = readTrace(events);
  let crossGateway = 0;
  let sameGateway = 0;
  const one: number[] = [];
  const across: number[] = [];
  for (const receipt of receipts) {
    const sender = senderOf.get(receipt.id);
    const took =
      tookBy.get(receipt.id) ?? (sender === undefined ? undefined : placement.get(sender));
    const gave =
      carriedBy.get(receipt.key) ??
      receipt.routed ??
      routedTo.get(receipt.receiver) ??
      placement.get(receipt.receiver);
    if (took === undefined || gave === undefined) continue;
    const crossed = took !== gave;
    if (crossed) crossGateway += 1;
    else sameGateway += 1;
    if (receipt.latency !== null && Number.isFinite(receipt.latency))
      (crossed ? across : one).push(receipt.latency);
  }
  return {
    crossGateway,
    sameGateway,
    brokerMessages: brokerIds.size,
    brokerBytes,
    brokerDeliveries,
    latencyOneGateway: summariseLatencies(one),
    latencyAcross: summariseLatencies(across),
  };
}

/** "k of n users moved" after the set of gateways changed: the server's count when it gave one, else the ring's. */
export interface MovedUsers {
  readonly moved: number;
  readonly total: number;
}

/**
 * How many of the users the registry listed before a change of gateways move
 * under consistent hashing: each user's place on the ring of the names before
 * against the ring of the names after (src/core/balancer.ts `movedKeys`).
 */
export function movedUsers(
  before: readonly string[],
  after: readonly string[],
  registry: readonly RegistryEntry[],
  fromServer?: MovedUsers,
): MovedUsers {
  if (fromServer !== undefined) return fromServer;
  const users = [
    ...new Set(registry.flatMap((entry) => (entry.user === null ? [] : [entry.user]))),
  ];
  return movedKeys(before, after, users.sort());
}

/** The sentence shown after an add or a remove: "1 of 3 users moved". */
export function movedSentence({ moved, total }: MovedUsers): string {
  return `${moved} of ${total} ${total === 1 ? 'user' : 'users'} moved`;
}
