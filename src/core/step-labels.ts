import { TRACE_KINDS, type TraceEvent, type TraceKind } from './trace';
import { wsOpcodeName } from './wsframe';

/**
 * What a step is called wherever it is drawn: the sequence diagram
 * (src/diagram/layout.ts) and the Mermaid export (mermaid.ts) use the same
 * words, so an exported diagram reads like the one on screen.
 */

/** The lab server's actor name in a trace (docs/architecture.md, the trace model). */
export const SERVER_ACTOR = 'server-1';

/** The kinds the browser's own view draws: all but the server's holds, releases, hold timeouts and publishes, and run boundaries. */
const NOT_CLIENT_DRAWN: ReadonlySet<TraceKind> = new Set([
  'hold',
  'release',
  'timeout',
  'publish',
  'segment',
]);
const CLIENT_DRAWN: ReadonlySet<TraceKind> = new Set(
  TRACE_KINDS.filter((kind) => !NOT_CLIENT_DRAWN.has(kind)),
);
/** The server's own view adds heartbeats, hold timeouts, publishes; faults are drawn whoever saw them. */
const SERVER_DRAWN: ReadonlySet<TraceKind> = new Set([
  'ping',
  'pong',
  'timeout',
  'publish',
  'fault',
]);

/** Whether a step gets its own shape in the diagram (what the keyboard steps through). */
export function isDrawn(event: TraceEvent): boolean {
  return (event.observer === 'client' ? CLIENT_DRAWN : SERVER_DRAWN).has(event.kind);
}

export function msLabel(value: number | undefined): string {
  return `${Math.round(value ?? 0)} ms`;
}

/** `3, #4`: the message ids a step carries (the first `#` is the caller's). */
export function idList(event: TraceEvent): string {
  return (event.messageIds ?? []).join(', #');
}

const DEFAULT_PATHS: Record<string, string> = {
  'short-poll': '/messages',
  'long-poll': '/long-poll',
  sse: '/events',
  websocket: '/ws',
};

/** `GET /long-poll?since=3`: the path below the channel, without the lab's own labels. */
export function requestLabel(event: TraceEvent): string {
  const method = event.details?.method ?? 'GET';
  let path = DEFAULT_PATHS[event.technique ?? ''] ?? '';
  if (event.details?.url) {
    const url = new URL(event.details.url, 'http://lab.invalid');
    // The lab's labels and the knobs are in the inspector; the label keeps what the lesson needs (`since`).
    for (const name of ['client', 'rid', 'timeout', 'retry', 'heartbeat', 'heartbeatAs'])
      url.searchParams.delete(name);
    path =
      url.pathname.replace(/^\/api\/channels\/[^/]+/, '') + (url.search === '?' ? '' : url.search);
  }
  const label = `${method} ${path}`;
  return event.technique === 'websocket' ? `${label} (Upgrade)` : label;
}

export function responseLabel(event: TraceEvent): string {
  const status = event.details?.status ?? 0;
  if (status >= 400 || status === 0)
    return `${status || 'failed'} ${event.details?.errorCode ?? event.details?.error ?? ''}`.trim();
  if (event.empty) return `${status} empty — wasted`;
  const count = event.messageIds?.length ?? 0;
  return count > 0
    ? `${status} · ${count} msg${count === 1 ? '' : 's'} (#${idList(event)})`
    : `${status}`;
}

export function frameLabel(event: TraceEvent): string {
  const opcode =
    event.details?.opcode ?? (event.kind === 'ping' ? 9 : event.kind === 'pong' ? 10 : 1);
  const size = event.bytes ? event.bytes.header + event.bytes.payload : undefined;
  return `${wsOpcodeName(opcode)}${size !== undefined ? ` ${size} B` : ''}${event.messageIds?.length ? ` #${idList(event)}` : ''}`;
}

export function closeLabel(event: TraceEvent): string {
  const code = event.details?.closeCode;
  return code !== undefined
    ? `close ${code}${event.details?.closeReason ? ` ${event.details.closeReason}` : ''}`
    : 'closed';
}
