import type { ScheduleSpec } from '../core';
import { TransportError } from './transport-error';
import {
  deleteSchedule,
  postSchedule,
  renewSchedule,
  type ScheduleStatus,
  type ScheduleTarget,
} from './schedule-api';

/** How long the server keeps a page's schedule without a renewal, ms. */
export const SCHEDULE_LEASE_MS = 15_000;
/** How often the page renews it: three chances before the lease lapses. */
export const SCHEDULE_RENEW_MS = 5_000;
/** A 409 may be an old page of this tab whose observer the server has not yet seen close: ask again. */
export const BUSY_RETRIES = 2;
export const BUSY_RETRY_MS = 600;

export type { ScheduleSpec, ScheduleStatus };

export type StartResult =
  | { ok: true; status: ScheduleStatus }
  | { ok: false; error: string; code: string; status: number | null };

export interface ServerScheduleOptions {
  channel: string;
  /** The page's id (PAGE_ID): the same one its observer stream gives. */
  owner: string;
  /** Base URL of the API; '' for the page's own origin. */
  baseUrl?: string;
  leaseMs?: number;
  renewEveryMs?: number;
  /** The server says the schedule no longer plays (its lease lapsed, its page's observer left, …). */
  onEnded?: (reason: string) => void;
}

/**
 * One server schedule owned by this page: start() POSTs it with the page's id
 * and a lease, renews the lease while it plays, and stop() DELETEs it and
 * resolves once the server answered, so that whatever starts next finds the
 * channel free. When the page goes away for good (`pagehide`) it sends the
 * DELETE with `keepalive`; if even that is lost, the server ends the schedule
 * when the page's observer disconnects or the lease lapses.
 */
export class ServerSchedule {
  private id: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The POST in flight, so that stop() can wait for it and end what it started. */
  private starting: Promise<StartResult> | null = null;
  private readonly onPageHide = (): void => {
    if (this.id === null) return;
    // The page is going: a DELETE that outlives it, with nothing waiting for its answer.
    void deleteSchedule(this.target, this.id, { keepalive: true }).catch(() => undefined);
  };

  constructor(private readonly options: ServerScheduleOptions) {}

  private get target(): ScheduleTarget {
    return { channel: this.options.channel, baseUrl: this.options.baseUrl };
  }

  /** The id of the schedule playing for this page, if any. */
  get playing(): string | null {
    return this.id;
  }

  /** POSTs the schedule (a 409 is asked again a couple of times); resolves with its status or why not. */
  start(spec: ScheduleSpec): Promise<StartResult> {
    const starting = this.post(spec);
    this.starting = starting;
    void starting.finally(() => {
      if (this.starting === starting) this.starting = null;
    });
    return starting;
  }

  private async post(spec: ScheduleSpec): Promise<StartResult> {
    const body = {
      ...spec,
      owner: this.options.owner,
      leaseMs: this.options.leaseMs ?? SCHEDULE_LEASE_MS,
    };
    for (let attempt = 0; ; attempt++) {
      try {
        const status = await postSchedule(this.target, body);
        this.id = status.id;
        this.renewLater(status.id);
        if (typeof addEventListener === 'function') addEventListener('pagehide', this.onPageHide);
        return { ok: true, status };
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        if (error.status === undefined)
          return { ok: false, error: error.message, code: 'NETWORK', status: null };
        if (error.status !== 409 || attempt >= BUSY_RETRIES)
          return { ok: false, error: error.message, code: error.code, status: error.status };
      }
      await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
    }
  }

  private renewLater(id: string): void {
    this.timer = setTimeout(
      () => void this.renew(id),
      this.options.renewEveryMs ?? SCHEDULE_RENEW_MS,
    );
  }

  private async renew(id: string): Promise<void> {
    this.timer = null;
    if (this.id !== id) return;
    let ended: TransportError | null = null;
    try {
      await renewSchedule(this.target, id);
    } catch (error) {
      // 404 or 410: the schedule is gone. A lost request, or a refusal that passes
      // (a reboot's 503): the next renewal tries again, well within the lease.
      if (error instanceof TransportError && (error.status === 404 || error.status === 410))
        ended = error;
    }
    if (this.id !== id) return;
    if (ended) {
      this.forget();
      this.options.onEnded?.(ended.message);
      return;
    }
    this.renewLater(id);
  }

  private forget(): void {
    this.id = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (typeof removeEventListener === 'function') removeEventListener('pagehide', this.onPageHide);
  }

  /** The server said the schedule has played to its end: stop renewing; there is nothing to DELETE. */
  markEnded(): void {
    this.forget();
  }

  /** Stops renewing and DELETEs the schedule; resolves once the server answered (or could not be reached). */
  async stop(): Promise<void> {
    if (this.starting) await this.starting;
    const id = this.id;
    if (id === null) return;
    this.forget();
    await deleteSchedule(this.target, id).catch(() => undefined);
  }
}
