/**
 * The injected faults (protocol.md, "Faults"): what `POST /api/faults` takes, the state it
 * leaves, and how a request is applied to a lab's held connections — shared by the server and
 * the offline simulation, so that a fault means the same in both and is told in the same words.
 */
import { Type, type Static } from 'typebox';
import type { ConnectionRegistry } from './connection-registry';
import { countOf, formatDuration } from './plain-words';
import type { TraceDetails } from './trace';

/** The faults in force. */
export interface FaultState {
  latencyMs: { up: number; down: number };
  blockWebSockets: boolean;
  /** Until when (ms since the epoch) the simulated restart refuses requests; null when up. */
  restartingUntil: number | null;
  /** The last simulated restart: when it began (ms since the epoch) and how long it was down; null before the first. */
  lastRestart: { at: number; downForMs: number } | null;
}

/** No fault in force. */
export function noFaults(): FaultState {
  return {
    latencyMs: { up: 0, down: 0 },
    blockWebSockets: false,
    restartingUntil: null,
    lastRestart: null,
  };
}

const Latency = Type.Integer({ minimum: 0, maximum: 10_000 });

export const FaultsBody = Type.Object(
  {
    latencyMs: Type.Optional(
      Type.Object(
        { up: Type.Optional(Latency), down: Type.Optional(Latency) },
        { additionalProperties: false },
      ),
    ),
    blockWebSockets: Type.Optional(Type.Boolean()),
    drop: Type.Optional(Type.Literal(true)),
    silence: Type.Optional(Type.Literal(true)),
    restart: Type.Optional(
      Type.Object(
        { downForMs: Type.Integer({ minimum: 0, maximum: 60_000 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type FaultsRequest = Static<typeof FaultsBody>;

/** Ends the restart once its time is up (`now` on the lab's clock); returns whether it still refuses requests. */
export function endRestartIfDue(faults: FaultState, now: number): boolean {
  if (faults.restartingUntil === null) return false;
  if (now >= faults.restartingUntil) {
    faults.restartingUntil = null;
    return false;
  }
  return true;
}

/** What a fault controller acts on: the lab's fault state, its held connections, its clock and its trace. */
export interface FaultHost {
  readonly faults: FaultState;
  readonly connections: ConnectionRegistry;
  now(): number;
  /** Records one `fault` step. */
  record(fault: string, note: string, more?: TraceDetails): void;
}

/**
 * Applies fault requests to a lab and tells each one as a `fault` step: latency and blocked
 * WebSockets as bands (start, end), a drop as a line, the half-open fault until every silenced
 * connection was noticed and closed, a reboot with its down time.
 */
export class FaultController {
  /** When the current half-open fault began; null when none is in force. */
  private silencedSince: number | null = null;

  constructor(private readonly host: FaultHost) {
    host.connections.onAllNoticed = () => {
      if (this.silencedSince === null) return;
      host.record(
        'half-open',
        `every silent connection was noticed and closed, ${formatDuration(host.now() - this.silencedSince)} after they went silent`,
        { faultPhase: 'end' },
      );
      this.silencedSince = null;
    };
  }

  /** The faults in force now (a copy). */
  snapshot(): FaultState {
    endRestartIfDue(this.host.faults, this.host.now());
    const faults = this.host.faults;
    return {
      latencyMs: { ...faults.latencyMs },
      blockWebSockets: faults.blockWebSockets,
      restartingUntil: faults.restartingUntil,
      lastRestart: faults.lastRestart && { ...faults.lastRestart },
    };
  }

  apply(body: FaultsRequest): FaultState {
    if (body.latencyMs) this.latency(body.latencyMs);
    if (body.blockWebSockets !== undefined) this.blockWebSockets(body.blockWebSockets);
    if (body.drop) this.drop();
    if (body.silence) this.silence();
    if (body.restart) this.restart(body.restart.downForMs);
    return this.snapshot();
  }

  private latency(change: NonNullable<FaultsRequest['latencyMs']>): void {
    const { faults } = this.host;
    const next = { ...faults.latencyMs, ...change };
    faults.latencyMs = next;
    const on = next.up > 0 || next.down > 0;
    this.host.record(
      'latency',
      on
        ? `added latency: each request waits ${formatDuration(next.up)}, each answer ${formatDuration(next.down)}`
        : 'added latency lifted',
      { faultPhase: on ? 'start' : 'end' },
    );
  }

  private blockWebSockets(blocked: boolean): void {
    this.host.faults.blockWebSockets = blocked;
    this.host.record(
      'block-websockets',
      blocked ? 'WebSocket upgrades blocked' : 'WebSocket upgrades allowed',
      { faultPhase: blocked ? 'start' : 'end' },
    );
  }

  private drop(): void {
    const ended = this.host.connections.endAll('drop');
    this.host.record(
      'drop',
      ended === 0 ? 'no connection was open to drop' : `dropped ${countOf(ended, 'connection')}`,
    );
  }

  private silence(): void {
    const silenced = this.host.connections.silenceAll();
    if (silenced === 0) {
      this.host.record('half-open', 'nothing went silent: no stream, socket or held poll was open');
      return;
    }
    this.silencedSince ??= this.host.now();
    this.host.record(
      'half-open',
      `${countOf(silenced, 'connection')} went silent: still open, but nothing flows either way`,
      { faultPhase: 'start' },
    );
  }

  private restart(downForMs: number): void {
    const { faults, connections } = this.host;
    const ended = connections.endAll('drop');
    const now = this.host.now();
    faults.restartingUntil = downForMs > 0 ? now + downForMs : null;
    faults.lastRestart = { at: now, downForMs };
    this.host.record(
      'restart',
      `server rebooted: ${ended === 0 ? 'no connection was open' : `dropped ${countOf(ended, 'connection')}`}, down for ${formatDuration(downForMs)}`,
      { delayMs: downForMs },
    );
  }
}
