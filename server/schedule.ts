import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  ERROR_CODES,
  LabError,
  MAX_FROM_LENGTH,
  MESSAGE_TYPE,
  sendGaps,
  type SendPattern,
} from '../src/core';
import type { Lab } from './lab';
import { ChannelParams, ErrorResponse } from './schemas';

/** Upper bounds that keep a schedule a lesson, not a load test. */
export const SCHEDULE_LIMITS = { maxRate: 50, maxCount: 10_000, maxDelayMs: 10_000 } as const;

export const ScheduleBody = Type.Object(
  {
    rate: Type.Number({ exclusiveMinimum: 0, maximum: SCHEDULE_LIMITS.maxRate }),
    count: Type.Integer({ minimum: 1, maximum: SCHEDULE_LIMITS.maxCount }),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffff_ffff })),
    pattern: Type.Optional(Type.Union([Type.Literal('random'), Type.Literal('steady')])),
    delayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: SCHEDULE_LIMITS.maxDelayMs })),
    from: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_FROM_LENGTH })),
    type: Type.Optional(Type.String({ pattern: MESSAGE_TYPE.source })),
  },
  { additionalProperties: false },
);

const ScheduleStatus = Type.Object({
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
}

interface Playing {
  status: ScheduleStatus;
  timer: ReturnType<typeof setTimeout> | undefined;
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

  constructor(private readonly lab: Lab) {}

  start(
    channel: string,
    body: {
      rate: number;
      count: number;
      seed?: number;
      pattern?: SendPattern;
      delayMs?: number;
      from?: string;
      type?: string;
    },
  ): ScheduleStatus {
    const current = this.byChannel.get(channel);
    if (current?.status.playing) {
      throw new LabError(
        `a schedule (${current.status.id}) is already playing on "${channel}": DELETE it first`,
        ERROR_CODES.SCHEDULE_BUSY,
        409,
      );
    }
    this.counter += 1;
    const status: ScheduleStatus = {
      id: `schedule-${this.counter}`,
      channel,
      rate: body.rate,
      count: body.count,
      seed: body.seed ?? 1,
      pattern: body.pattern ?? 'random',
      from: body.from ?? 'ticker',
      startsAt: this.lab.now() + (body.delayMs ?? 0),
      sent: 0,
      playing: true,
    };
    const playing: Playing = { status, timer: undefined };
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
      this.lab.publish(channel, input, target);
      if (status.sent >= status.count) {
        status.playing = false;
        playing.timer = undefined;
        return;
      }
      due += gap();
      playing.timer = setTimeout(tick, Math.max(0, due - this.lab.now()));
    };
    playing.timer = setTimeout(tick, Math.max(0, due - this.lab.now()));
    return { ...status };
  }

  status(channel: string): ScheduleStatus | undefined {
    const playing = this.byChannel.get(channel);
    return playing && { ...playing.status };
  }

  stop(channel: string): ScheduleStatus | undefined {
    const playing = this.byChannel.get(channel);
    if (!playing) return undefined;
    playing.status.playing = false;
    if (playing.timer !== undefined) clearTimeout(playing.timer);
    playing.timer = undefined;
    return { ...playing.status };
  }

  stopAll(): void {
    for (const channel of this.byChannel.keys()) this.stop(channel);
  }
}

function noSchedule(channel: string): LabError {
  return new LabError(
    `no schedule has played on "${channel}": POST one first`,
    ERROR_CODES.NO_SCHEDULE,
    404,
  );
}

/**
 * `POST/GET/DELETE /api/channels/:ch/schedule` (protocol.md, "Schedules"):
 * the server plays a seeded message schedule into the channel.
 */
export const schedulePlugin: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const player = new SchedulePlayer(app.lab);
  app.addHook('onClose', async () => player.stopAll());
  const responses = { 200: ScheduleStatus, 201: ScheduleStatus, '4xx': ErrorResponse };

  app.post(
    '/api/channels/:ch/schedule',
    { schema: { params: ChannelParams, body: ScheduleBody, response: responses } },
    async (request, reply) => reply.code(201).send(player.start(request.params.ch, request.body)),
  );

  app.get(
    '/api/channels/:ch/schedule',
    { schema: { params: ChannelParams, response: responses } },
    async (request) => {
      const status = player.status(request.params.ch);
      if (!status) throw noSchedule(request.params.ch);
      return status;
    },
  );

  app.delete(
    '/api/channels/:ch/schedule',
    { schema: { params: ChannelParams, response: responses } },
    async (request) => {
      const status = player.stop(request.params.ch);
      if (!status) throw noSchedule(request.params.ch);
      return status;
    },
  );
};
