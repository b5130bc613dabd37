import { laneTitle, type LanePlacement } from './lanes';
import type { Bar, BarKind } from './shapes';
import type { Span } from './spans';

/** Spans as bars beside the server's lifeline: whose, how long, and (a held poll) when it times out. */

/** Seconds with one decimal, for countdowns (their width does not jitter as they tick). */
export function countdownTime(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** What an open bar's label says at `now`: whose, how long so far, and (a held poll) how long is left. */
export function openBarText(bar: Pick<Bar, 'actor' | 'kind' | 'start' | 'timeoutAt'>, now: number) {
  const owner = laneTitle(bar.actor);
  const what = bar.kind === 'hold' ? 'held' : 'open';
  const base = `${owner} · ${what} ${countdownTime(now - bar.start)}`;
  return bar.timeoutAt === undefined
    ? base
    : `${base} · times out in ${countdownTime(bar.timeoutAt - now)}`;
}

export function spanBar(
  s: Span,
  lanes: LanePlacement,
  y: (t: number) => number,
  now: number,
  /** The server lane that holds the connection (a Scaling lab gateway), when not the server's. */
  holder?: string,
): Bar {
  const { x, side, column } =
    holder !== undefined && lanes.laneX.has(holder)
      ? lanes.columnBeside(s.actor, holder)
      : lanes.columnOf(s.actor);
  const end = s.end ?? now;
  const kind: BarKind =
    s.kind === 'sse'
      ? 'sse-open'
      : s.kind === 'ws'
        ? 'ws-open'
        : s.technique === 'long-poll' && !s.conn.includes('-publish-')
          ? 'hold'
          : 'request';
  const owner = laneTitle(s.actor);
  const what =
    kind === 'hold'
      ? 'long poll'
      : kind === 'sse-open'
        ? 'SSE stream'
        : kind === 'ws-open'
          ? 'WebSocket'
          : 'request';
  const bar: Bar = {
    conn: s.conn,
    kind,
    actor: s.actor,
    x,
    side,
    column,
    y1: y(s.start),
    y2: y(Math.max(end, s.start)),
    open: s.end === null,
    startSeq: s.startSeq,
    start: s.start,
    end: s.end,
    label: `${owner}'s ${what}, ${s.end === null ? 'open' : kind === 'hold' ? 'held' : 'open'} ${countdownTime(end - s.start)}`,
    placed: null,
  };
  if (s.timeoutMs !== undefined) {
    bar.timeoutAt = s.start + s.timeoutMs;
    bar.timeoutY = y(bar.timeoutAt);
    if (s.end === null) {
      bar.remainingMs = Math.max(0, bar.timeoutAt - now);
      bar.label = `${bar.label} · times out in ${countdownTime(bar.remainingMs)}`;
    }
  }
  return bar;
}
