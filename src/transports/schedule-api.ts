import type { ScheduleSpec } from '../core';
import {
  CLIENT_ERROR_CODES,
  TransportError,
  describeError,
  parseErrorBody,
} from './transport-error';

/**
 * The schedule routes of a channel (README's API table), one typed function
 * each: `POST …/schedule`, `GET …/schedule`, `POST …/schedule/renew` and
 * `DELETE …/schedule?id=`. A refusal is a TransportError with the server's
 * code and status; a request that got no answer is one with RL_ERR_NETWORK
 * and no status.
 */

/** Which channel's schedule, on which server ('' or no baseUrl: the page's own origin). */
export interface ScheduleTarget {
  channel: string;
  baseUrl?: string;
}

/** The server's status of a schedule (the fields the page reads). */
export interface ScheduleStatus {
  id: string;
  count: number;
  sent: number;
  playing: boolean;
  ended?: string | null;
}

/** The body of `POST …/schedule`: the schedule, the page that owns it and its lease. */
export interface ScheduleStartBody extends ScheduleSpec {
  owner: string;
  leaseMs: number;
}

function scheduleUrl({ channel, baseUrl = '' }: ScheduleTarget, sub = ''): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/api/channels/${encodeURIComponent(channel)}/schedule${sub}`;
}

/** `fetch`, with a request that got no answer as a TransportError. */
async function request(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new TransportError(describeError(error), CLIENT_ERROR_CODES.NETWORK);
  }
}

/** Resolves with an answer that is a success; throws the server's refusal as a TransportError. */
async function accepted(response: Response): Promise<Response> {
  if (response.ok) return response;
  const { error, code } = parseErrorBody(response.status, await response.text());
  throw new TransportError(error, code, response.status);
}

const jsonPost = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** `POST /api/channels/:ch/schedule`: starts a schedule; resolves with its status. */
export async function postSchedule(
  target: ScheduleTarget,
  body: ScheduleStartBody,
): Promise<ScheduleStatus> {
  const response = await accepted(await request(scheduleUrl(target), jsonPost(body)));
  return (await response.json()) as ScheduleStatus;
}

/** `GET /api/channels/:ch/schedule`: the status of the channel's schedule. */
export async function getSchedule(target: ScheduleTarget): Promise<ScheduleStatus> {
  const response = await accepted(await request(scheduleUrl(target)));
  return (await response.json()) as ScheduleStatus;
}

/** `POST /api/channels/:ch/schedule/renew`: extends the lease of schedule `id`. */
export async function renewSchedule(target: ScheduleTarget, id: string): Promise<void> {
  const response = await accepted(await request(scheduleUrl(target, '/renew'), jsonPost({ id })));
  await response.body?.cancel();
}

/**
 * `DELETE /api/channels/:ch/schedule?id=`: ends schedule `id` only, never one
 * another page started since. `keepalive` lets the request outlive the page.
 */
export async function deleteSchedule(
  target: ScheduleTarget,
  id: string,
  { keepalive = false }: { keepalive?: boolean } = {},
): Promise<void> {
  const url = `${scheduleUrl(target)}?id=${encodeURIComponent(id)}`;
  const init: RequestInit = keepalive ? { method: 'DELETE', keepalive } : { method: 'DELETE' };
  const response = await accepted(await request(url, init));
  await response.body?.cancel();
}
