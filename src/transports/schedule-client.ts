import type { ScheduleSpec } from '../core';
import { describeError, parseErrorBody } from './transport-error';

/** How long the server keeps a page's schedule without a renewal, ms. */
export const SCHEDULE_LEASE_MS = 15_000;
/** How often the page renews it: three chances before the lease lapses. */
export const SCHEDULE_RENEW_MS = 5_000;
/** A 409 may be an old page of this tab whose observer the server has not yet seen close: ask again. */
export const BUSY_RETRIES = 2;
export const BUSY_RETRY_MS = 600;

export type { ScheduleSpec };

/** The server's status of a schedule (the fields the page reads). */
export interface ScheduleStatus {
  id: string;
  count: number;
  sent: number;
  playing: boolean;
  ended?: string | null;
}

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
    void fetch(this.deleteUrl(this.id), { method: 'DELETE', keepalive: true }).catch(
      () => undefined,
    );
  };

  constructor(private readonly options: ServerScheduleOptions) {}

  /** The id of the schedule playing for this page, if any. */
  get playing(): string | null {
    return this.id;
  }

  private url(sub = ''): string {
    const base = (this.options.baseUrl ?? '').replace(/\/+$/, '');
    return `${base}/api/channels/${encodeURIComponent(this.options.channel)}/schedule${sub}`;
  }

  /** `DELETE …?id=`: ends this page's schedule only, never one another page started since. */
  private deleteUrl(id: string): string {
    return `${this.url()}?id=${encodeURIComponent(id)}`;
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
    const body = JSON.stringify({
      ...spec,
      owner: this.options.owner,
      leaseMs: this.options.leaseMs ?? SCHEDULE_LEASE_MS,
    });
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(this.url(), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
      } catch (error) {
        return { ok: false, error: describeError(error), code: 'NETWORK', status: null };
      }
      const text = await response.text();
      if (response.ok) {
        const status = JSON.parse(text) as ScheduleStatus;
        this.id = status.id;
        this.renewLater(status.id);
        if (typeof addEventListener === 'function') addEventListener('pagehide', this.onPageHide);
        return { ok: true, status };
      }
      if (response.status !== 409 || attempt >= BUSY_RETRIES) {
        const { error, code } = parseErrorBody(response.status, text);
        return { ok: false, error, code, status: response.status };
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
    let response: Response | null = null;
    try {
      response = await fetch(this.url('/renew'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id }),
      });
    } catch {
      // Unreachable for now: the next renewal tries again, well within the lease.
    }
    if (this.id !== id) return;
    if (response && (response.status === 404 || response.status === 410)) {
      const { error } = parseErrorBody(response.status, await response.text());
      this.forget();
      this.options.onEnded?.(error);
      return;
    }
    // 200, or a refusal that passes (a reboot's 503): keep renewing.
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
    await fetch(this.deleteUrl(id), { method: 'DELETE' }).then(
      (response) => response.body?.cancel(),
      () => undefined,
    );
  }
}
