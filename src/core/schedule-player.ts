/**
 * Seeded message schedules (protocol.md, "Schedules"): what `POST …/schedule` takes, and the
 * player that publishes a schedule's messages at their seeded times. The server and the
 * offline simulation both play schedules with it, on a host that publishes and keeps time.
 */
import { Type } from 'typebox';
import { RID_LABEL } from './api-schemas';
import { LabError, labError } from './errors';
import { MAX_FROM_LENGTH, MESSAGE_TYPE, type Message, type PublishInput } from './message';
import { sendGaps, type ScheduleSpec, type SendPattern } from './schedule';
import type { Technique } from './technique';

/** Where a schedule's steps go: no peer, the schedule itself is the sender. */
export interface ScheduleTraceTarget {
  technique: Technique | null;
  conn: string;
}

/** What a schedule player needs of the lab it plays in. */
export interface ScheduleHost {
  /** The lab's clock (ms since the epoch). */
  now(): number;
  publish(channel: string, input: PublishInput, target: ScheduleTraceTarget): Promise<Message>;
  /** Whether a page's observer is connected: the page is still there. */
  hasOwner(owner: string): boolean;
  /** Until when a reboot refuses requests (the lab's clock), or null. */
  restartingUntil(): number | null;
  /** Ends a reboot whose down time is over; true while one is still in force. */
  endRestartIfDue(): boolean;
}

/** Upper bounds that keep a schedule a lesson, not a load test. */
export const SCHEDULE_LIMITS = {
  maxRate: 50,
  maxCount: 10_000,
  maxDelayMs: 10_000,
  minLeaseMs: 1_000,
  maxLeaseMs: 600_000,
} as const;

export const ScheduleBody = Type.Object(
  {
    rate: Type.Number({ exclusiveMinimum: 0, maximum: SCHEDULE_LIMITS.maxRate }),
    count: Type.Integer({ minimum: 1, maximum: SCHEDULE_LIMITS.maxCount }),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffff_ffff })),
    pattern: Type.Optional(Type.Union([Type.Literal('random'), Type.Literal('steady')])),
    delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: SCHEDULE_LIMITS.maxDelayMs })),
    from: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_FROM_LENGTH })),
    type: Type.Optional(Type.String({ pattern: MESSAGE_TYPE.source })),
    /** The page that starts it (the id its observer gives as `?owner=`). */
    owner: Type.Optional(Type.String({ pattern: RID_LABEL.source })),
    /** The schedule ends unless renewed within this long (POST …/schedule/renew). */
    leaseMs: Type.Optional(
      Type.Integer({ minimum: SCHEDULE_LIMITS.minLeaseMs, maximum: SCHEDULE_LIMITS.maxLeaseMs }),
    ),
  },
  { additionalProperties: false },
);

/** `DELETE …/schedule?id=schedule-<n>`: stop that schedule only. */
export const DeleteScheduleQuery = Type.Object({
  id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});

export const RenewBody = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/** Why a schedule stopped playing. */
export type ScheduleEnd =
  'finished' | 'deleted' | 'lease-lapsed' | 'owner-gone' | 'replaced' | 'server-closed';

const END_WORDS: Record<ScheduleEnd, string> = {
  finished: 'it sent all its messages',
  deleted: 'it was stopped with DELETE',
  'lease-lapsed': 'its lease lapsed without a renewal',
  'owner-gone': 'the page that started it is gone (its observer disconnected)',
  replaced: 'a newer schedule took the channel',
  'server-closed': 'the server closed',
};

export const ScheduleStatusSchema = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  rate: Type.Number(),
  count: Type.Integer(),
  seed: Type.Integer(),
  pattern: Type.String(),
  from: Type.String(),
  startsAt: Type.Number(),
  sent: Type.Integer(),
  playing: Type.Boolean(),
  owner: Type.Union([Type.String(), Type.Null()]),
  leaseMs: Type.Union([Type.Integer(), Type.Null()]),
  leaseUntil: Type.Union([Type.Number(), Type.Null()]),
  ended: Type.Union([Type.String(), Type.Null()]),
});

export interface ScheduleStatus {
  id: string;
  channel: string;
  rate: number;
  count: number;
  seed: number;
  pattern: SendPattern;
  from: string;
  /** Server wall time (ms since the epoch) of the planned first gap's start. */
  startsAt: number;
  sent: number;
  playing: boolean;
  /** The page that started it, or null. */
  owner: string | null;
  leaseMs: number | null;
  /** Server wall time (ms since the epoch) the lease runs to; null without a lease. */
  leaseUntil: number | null;
  /** Why it stopped playing; null while it plays. */
  ended: ScheduleEnd | null;
}

interface Playing {
  status: ScheduleStatus;
  timer: ReturnType<typeof setTimeout> | undefined;
  leaseTimer: ReturnType<typeof setTimeout> | undefined;
}

/** A schedule as the POST asks for it: what to play, and whose it is for how long. */
export interface ScheduleRequest extends ScheduleSpec {
  owner?: string;
  leaseMs?: number;
}

/**
 * Plays seeded message schedules into channels: the server publishes
 * `count` messages at `rate` a second, at Poisson (random) or steady times
 * drawn from `seed`, so that every technique listening to the channel gets
 * the same messages at the same moments, and a run can be repeated.
 */
export class SchedulePlayer {
  private readonly byChannel = new Map<string, Playing>();
  private counter = 0;

  constructor(private readonly lab: ScheduleHost) {}

  start(channel: string, body: ScheduleRequest): ScheduleStatus {
    const current = this.byChannel.get(channel);
    if (current?.status.playing) {
      const held = current.status;
      if (body.owner !== undefined && held.owner === body.owner) {
        // The same page starting again: its new schedule replaces its old one.
        this.end(current, 'replaced');
      } else if (this.orphaned(held)) {
        // Its page is gone (no observer, no lease): it must not block the next page.
        this.end(current, 'owner-gone');
      } else {
        throw labError(
          'SCHEDULE_BUSY',
          `a schedule (${held.id}) is already playing on "${channel}"${held.owner === null ? '' : ` for another page (${held.owner})`}: DELETE it first, or use a channel of your own`,
        );
      }
    }
    this.counter += 1;
    const now = this.lab.now();
    const status: ScheduleStatus = {
      id: `schedule-${this.counter}`,
      channel,
      rate: body.rate,
      count: body.count,
      seed: body.seed ?? 1,
      pattern: body.pattern ?? 'random',
      from: body.from ?? 'ticker',
      startsAt: now + (body.delayMs ?? 0),
      sent: 0,
      playing: true,
      owner: body.owner ?? null,
      leaseMs: body.leaseMs ?? null,
      leaseUntil: body.leaseMs === undefined ? null : now + body.leaseMs,
      ended: null,
    };
    const playing: Playing = { status, timer: undefined, leaseTimer: undefined };
    this.byChannel.set(channel, playing);
    const gap = sendGaps(status.pattern, status.rate, status.seed);
    // Due times are absolute, so timer lateness never accumulates into the schedule.
    let due = status.startsAt + gap();
    // No peer: the server itself is the sender (details.from names the schedule's sender).
    const target = { technique: null, conn: status.id };
    const tick = (): void => {
      if (!status.playing) return;
      status.sent += 1;
      const input = {
        from: status.from,
        text: `${status.from} #${status.sent} of ${status.count}`,
        ...(body.type !== undefined ? { type: body.type } : {}),
      };
      // In order: each publish reaches the broker before the next tick's. A refusal (broker
      // down) loses only that message; the schedule plays on.
      this.lab.publish(channel, input, target).catch(() => undefined);
      if (status.sent >= status.count) {
        playing.timer = undefined;
        this.end(playing, 'finished');
        return;
      }
      due += gap();
      playing.timer = setTimeout(tick, Math.max(0, due - this.lab.now()));
    };
    playing.timer = setTimeout(tick, Math.max(0, due - this.lab.now()));
    this.watchLease(playing);
    return { ...status };
  }

  /** A page renews its schedule's lease: it plays on for another `leaseMs`. */
  renew(channel: string, id: string): ScheduleStatus {
    const playing = this.byChannel.get(channel);
    if (!playing) throw noSchedule(channel);
    const status = playing.status;
    if (status.id !== id || !status.playing) {
      const why =
        status.id !== id
          ? `${status.id} has taken the channel since`
          : END_WORDS[status.ended ?? 'finished'];
      throw labError(
        'SCHEDULE_ENDED',
        `${id} no longer plays on "${channel}": ${why}. POST a new schedule`,
      );
    }
    if (status.leaseMs !== null) status.leaseUntil = this.lab.now() + status.leaseMs;
    return { ...status };
  }

  /** A schedule whose page is gone: it has an owner whose observer is not connected, and no lease in force. */
  private orphaned(status: ScheduleStatus): boolean {
    if (status.owner === null || this.lab.hasOwner(status.owner)) return false;
    return status.leaseUntil === null || status.leaseUntil <= this.lab.now();
  }

  /** Ends the schedule when its lease lapses; while the server refuses renewals (a reboot), it waits. */
  private watchLease(playing: Playing): void {
    const status = playing.status;
    if (status.leaseUntil === null || !status.playing) return;
    playing.leaseTimer = setTimeout(
      () => {
        playing.leaseTimer = undefined;
        if (!status.playing || status.leaseUntil === null || status.leaseMs === null) return;
        const now = this.lab.now();
        if (status.leaseUntil > now) {
          this.watchLease(playing); // renewed meanwhile
        } else if (this.lab.endRestartIfDue()) {
          // The reboot refused the page's renewals: the lease starts over once the server is back.
          status.leaseUntil = (this.lab.restartingUntil() ?? now) + status.leaseMs;
          this.watchLease(playing);
        } else {
          this.end(playing, 'lease-lapsed');
        }
      },
      Math.max(0, status.leaseUntil - this.lab.now()),
    );
  }

  /** The page's last observer disconnected: every schedule it started stops. */
  ownerLeft(owner: string): void {
    for (const playing of this.byChannel.values()) {
      if (playing.status.playing && playing.status.owner === owner) this.end(playing, 'owner-gone');
    }
  }

  private end(playing: Playing, why: ScheduleEnd): void {
    const status = playing.status;
    if (status.playing) {
      status.playing = false;
      status.ended = why;
    }
    if (playing.timer !== undefined) clearTimeout(playing.timer);
    if (playing.leaseTimer !== undefined) clearTimeout(playing.leaseTimer);
    playing.timer = undefined;
    playing.leaseTimer = undefined;
  }

  status(channel: string): ScheduleStatus | undefined {
    const playing = this.byChannel.get(channel);
    return playing && { ...playing.status };
  }

  /** Stops the channel's schedule; with `id`, only if that is the one the channel has (else 410). */
  stop(channel: string, id?: string): ScheduleStatus | undefined {
    const playing = this.byChannel.get(channel);
    if (!playing) return undefined;
    if (id !== undefined && playing.status.id !== id) {
      throw labError(
        'SCHEDULE_ENDED',
        `${id} no longer plays on "${channel}": ${playing.status.id} has taken the channel since, and is left alone`,
      );
    }
    this.end(playing, 'deleted');
    return { ...playing.status };
  }

  stopAll(): void {
    for (const playing of this.byChannel.values()) this.end(playing, 'server-closed');
  }
}

export function noSchedule(channel: string): LabError {
  return labError('NO_SCHEDULE', `no schedule has played on "${channel}": POST one first`);
}
