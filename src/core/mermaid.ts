import {
  closeLabel,
  frameLabel,
  idList,
  isDrawn,
  msLabel,
  requestLabel,
  responseLabel,
  SERVER_ACTOR,
} from './step-labels';
import { isSimulatedStep, type TraceEvent } from './trace';

/** The server's participant id in the Mermaid text. */
const SERVER_ID = 'server';

/** Steps past this many are left out (a final Note says how many): GitHub renders big diagrams slowly. */
export const MERMAID_MAX_STEPS = 300;

export interface MermaidOptions {
  /** The visible window, ms on the trace's clock (both ends included). */
  t0: number;
  t1: number;
  /** Participants in lane order (the sender first); others in the trace follow. */
  actors?: readonly string[];
  /** At most this many step lines (default MERMAID_MAX_STEPS). */
  maxSteps?: number;
  /** Lines said first as Mermaid comments (`%%`): a title, the counters. */
  notes?: readonly string[];
}

/** Words Mermaid's sequence grammar reads as keywords: never used as a participant id. */
const KEYWORDS = new Set([
  'participant',
  'actor',
  'as',
  'note',
  'over',
  'left',
  'right',
  'of',
  'loop',
  'alt',
  'else',
  'opt',
  'par',
  'and',
  'rect',
  'critical',
  'option',
  'break',
  'end',
  'box',
  'activate',
  'deactivate',
  'autonumber',
  'title',
  'link',
  'links',
  'properties',
  'details',
  'create',
  'destroy',
  SERVER_ID,
]);

const ENTITIES: Record<string, string> = {
  '#': '#35;',
  ';': '#59;',
  '%': '#37;',
  '&': '#amp;',
  '<': '#lt;',
  '>': '#gt;',
  '"': '#quot;',
};

/**
 * Text as Mermaid reads it back: its lexer ends a message at `#` (a comment)
 * and `;` (a statement separator), `%%` starts a comment or directive, and GitHub
 * treats `<`, `>`, `&` as HTML, so these become Mermaid's entity codes (`#59;`),
 * in one pass so that a code just written is not escaped again. Line breaks
 * become spaces: one step, one line.
 */
export function mermaidText(text: string): string {
  return text.replace(/[#;%&<>"]/g, (c) => ENTITIES[c]!).replace(/[\r\n\t\u2028\u2029]+/g, ' ');
}

/**
 * The visible part of a trace as Mermaid `sequenceDiagram` text that GitHub
 * renders: the participants in lane order and the server last, then one line per
 * step the diagram draws in [t0, t1], in time order, with the diagram's labels.
 */
export function toMermaid(events: readonly TraceEvent[], options: MermaidOptions): string {
  const { t0, t1 } = options;
  const maxSteps = options.maxSteps ?? MERMAID_MAX_STEPS;
  const clients = [...(options.actors ?? [])].filter((a) => a !== SERVER_ACTOR);
  for (const event of events) {
    const actor = participantOf(event);
    if (actor !== undefined && actor !== SERVER_ACTOR && !clients.includes(actor))
      clients.push(actor);
  }
  const ids = participantIds(clients);
  const lines = ['sequenceDiagram'];
  for (const note of options.notes ?? []) lines.push(`    %% ${note.replace(/[\r\n]+/g, ' ')}`);
  for (const actor of clients) lines.push(`    participant ${ids.get(actor)!} as ${title(actor)}`);
  // An offline run's server is the simulation in the page, and says so (as its lane does).
  const server = events.some(isSimulatedStep) ? 'Server (simulated)' : 'Server';
  lines.push(`    participant ${SERVER_ID} as ${server}`);
  // A note over every lane, for faults and the "left out" line.
  const everyone = clients.length > 0 ? `${ids.get(clients[0]!)!},${SERVER_ID}` : SERVER_ID;

  const shown = events
    .filter((e) => e.t >= t0 && e.t <= t1)
    .sort((a, b) => a.t - b.t || a.seq - b.seq);
  let steps = 0;
  let leftOut = 0;
  for (const event of shown) {
    const line = stepLine(event, ids, everyone);
    if (line === null) continue;
    if (steps < maxSteps) {
      lines.push(`    ${line}`);
      steps++;
    } else leftOut++;
  }
  if (leftOut > 0)
    lines.push(
      `    Note over ${everyone}: ${leftOut} more step${leftOut === 1 ? '' : 's'} left out (at most ${maxSteps})`,
    );
  return `${lines.join('\n')}\n`;
}

/** The participant a step belongs to (the browser's actor, or the server's peer). */
function participantOf(event: TraceEvent): string | undefined {
  return event.observer === 'client' ? event.actor : event.peer;
}

/** Ids Mermaid can parse ([A-Za-z0-9_], no keyword, no clash), one per participant. */
function participantIds(clients: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const actor of clients) {
    const base = actor.replace(/[^A-Za-z0-9_]/g, '_') || 'participant';
    let id = KEYWORDS.has(base.toLowerCase()) || /^\d/.test(base) ? `p_${base}` : base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    ids.set(actor, id);
  }
  return ids;
}

function title(actor: string): string {
  return mermaidText(actor.charAt(0).toUpperCase() + actor.slice(1));
}

/** One step as a Mermaid line, or null when the diagram does not draw it. */
function stepLine(event: TraceEvent, ids: Map<string, string>, everyone: string): string | null {
  if (event.kind === 'fault') return `Note over ${everyone}: ${mermaidText(faultLabel(event))}`;
  const drawn = isDrawn(event);
  const actor = participantOf(event);
  const id = actor === undefined ? undefined : ids.get(actor);
  if (!drawn || id === undefined) return null;
  const up = (arrow: string, label: string) => `${id}${arrow}${SERVER_ID}: ${mermaidText(label)}`;
  const down = (arrow: string, label: string) => `${SERVER_ID}${arrow}${id}: ${mermaidText(label)}`;
  const note = (over: string, label: string) => `Note over ${over}: ${mermaidText(label)}`;
  if (event.observer === 'server') {
    if (event.kind === 'ping')
      return down('--)', event.technique === 'sse' ? ': heartbeat' : 'ping');
    if (event.kind === 'pong') return up('--)', 'pong');
    if (event.kind === 'timeout')
      return note(SERVER_ID, `timeout after ${msLabel(event.details?.delayMs)}`);
    return note(SERVER_ID, `publish #${idList(event)}`);
  }
  switch (event.kind) {
    case 'request':
      return up('->>', requestLabel(event));
    case 'response': {
      const status = event.details?.status ?? 0;
      const failed = status >= 400 || status === 0;
      return down(failed ? '-x' : event.empty ? '--x' : '-->>', responseLabel(event));
    }
    case 'sse-open':
      return down(
        '-->>',
        `200 text/event-stream${event.details?.retryMs !== undefined ? ` · retry: ${event.details.retryMs}` : ''}`,
      );
    case 'sse-event':
      return down(
        '-)',
        `id ${event.details?.lastEventId ?? idList(event)} · ${event.details?.eventType ?? 'message'}`,
      );
    case 'ws-open':
      return down('-->>', '101 Switching Protocols');
    case 'ws-frame':
    case 'ping':
    case 'pong': {
      const arrow = event.kind === 'ws-frame' ? '-)' : '--)';
      return event.dir === 'up' ? up(arrow, frameLabel(event)) : down(arrow, frameLabel(event));
    }
    case 'close':
      return note(id, closeLabel(event));
    case 'error':
      return note(id, `✕ ${event.details?.error ?? event.details?.errorCode ?? 'error'}`);
    case 'reconnect-wait':
      return note(id, `wait ${msLabel(event.details?.delayMs ?? 0)}`);
    case 'reconnect':
      return note(
        id,
        event.details?.lastEventId
          ? `reconnect · Last-Event-ID: ${event.details.lastEventId}`
          : 'reconnect',
      );
    case 'deliver':
      return note(id, `${event.details?.duplicate ? 'duplicate ' : ''}got #${idList(event)}`);
    case 'fallback':
      return note(
        id,
        /back to WebSocket|works again/.test(event.details?.note ?? '')
          ? 'back to WebSocket'
          : 'fallback → long polling',
      );
    default:
      return null;
  }
}

function faultLabel(event: TraceEvent): string {
  const name = event.details?.fault ?? 'fault';
  if (event.details?.faultPhase === 'end') return `fault ${name} lifted`;
  return `fault ${name}${event.details?.note ? `: ${event.details.note}` : ''}`;
}
