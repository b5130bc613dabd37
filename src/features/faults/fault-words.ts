import { DEMO_HEARTBEAT_MS, formatDuration, TECHNIQUE_LABELS } from '../../core';
import { SILENCE_HEARTBEATS } from '../../transports/silence';
import type { Knobs } from '../../transports/types';
import type { FaultChange, FaultState } from './faults-api';

/** A clock time in the page's own time zone, 24-hour: "14:03:12". */
export function localTime(ms: number, timeZone?: string): string {
  return new Intl.DateTimeFormat(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(ms));
}

/** How long after a reboot ended the panel still tells it. */
export const REBOOT_SHOWN_MS = 10 * 60_000;

export interface FaultWordsInput {
  state: FaultState;
  /** What this page did last (a drop or a silence leave no state on the server to read). */
  last: FaultChange | null;
  /** The page's wall clock now (Date.now()). */
  now: number;
  /** server clock ≈ page clock + offsetMs (the observer's estimate; 0 without one). */
  offsetMs: number;
  timeZone?: string;
}

/**
 * The faults in force and the last one this page set, in plain words with
 * local times and durations: "Server rebooted at 14:03:12, down for 3 s."
 */
export function faultSentences({
  state,
  last,
  now,
  offsetMs,
  timeZone,
}: FaultWordsInput): string[] {
  const at = (serverMs: number) => localTime(serverMs - offsetMs, timeZone);
  const lines: string[] = [];
  const reboot = state.lastRestart;
  const back = reboot ? reboot.at + reboot.downForMs : 0;
  if (reboot && now + offsetMs - back < REBOOT_SHOWN_MS) {
    if (state.restartingUntil !== null && now + offsetMs < back) {
      lines.push(
        `Server rebooting: down since ${at(reboot.at)} for ${formatDuration(reboot.downForMs)}, back at ${at(back)}.`,
      );
    } else {
      lines.push(
        reboot.downForMs > 0
          ? `Server rebooted at ${at(reboot.at)}, down for ${formatDuration(reboot.downForMs)}.`
          : `Server rebooted at ${at(reboot.at)}, with no down time.`,
      );
    }
  }
  const { up, down } = state.latencyMs;
  if (up > 0 || down > 0) {
    lines.push(
      up === down
        ? `Added latency: ${formatDuration(up)} each way. Every request waits ${formatDuration(up)} before it is handled, every answer ${formatDuration(down)} before it leaves.`
        : `Added latency: every request waits ${formatDuration(up)} before it is handled, every answer ${formatDuration(down)} before it leaves.`,
    );
  }
  if (state.blockWebSockets)
    lines.push(
      'WebSockets blocked: the server refuses every upgrade (403), as a proxy that strips Upgrade would.',
    );
  const asked = last?.request;
  if (last && asked?.drop)
    lines.push(`Every open connection was dropped at ${localTime(last.at, timeZone)}.`);
  if (last && asked?.silence)
    lines.push(
      `Went silent at ${localTime(last.at, timeZone)}: open streams, sockets and held polls stay open, but nothing flows.`,
    );
  if (lines.length === 0) lines.push('No fault in force.');
  return lines;
}

/** The hint beside "Go silent (half-open)": how long noticing takes now, and how to make it seconds. */
export function halfOpenHint(knobs: Knobs, shortcutKey: string): string {
  const sse = formatDuration(knobs.sseHeartbeatMs * SILENCE_HEARTBEATS);
  const ws = formatDuration(knobs.wsHeartbeatMs * SILENCE_HEARTBEATS);
  const now = `Half-open is noticed after ${SILENCE_HEARTBEATS} heartbeats without a sign of life: now ${sse} (${TECHNIQUE_LABELS.sse}), ${ws} (${TECHNIQUE_LABELS.websocket}).`;
  if (knobs.sseHeartbeatMs <= DEMO_HEARTBEAT_MS && knobs.wsHeartbeatMs <= DEMO_HEARTBEAT_MS)
    return now;
  return `${now} Demo heartbeats (key ${shortcutKey}): about ${formatDuration(DEMO_HEARTBEAT_MS * SILENCE_HEARTBEATS)}.`;
}
