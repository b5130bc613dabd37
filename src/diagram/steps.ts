import {
  TECHNIQUE_LABELS,
  setupOf,
  closeLabel,
  frameLabel,
  idList,
  msLabel,
  requestLabel,
  responseLabel,
  type TraceEvent,
  type TraceKind,
} from '../core';
import { BALANCER_ACTOR, BROKER_ACTOR, isGateway, isScaleServer } from './scale';
import type { ArrowVariant, MarkShape } from './shapes';

/**
 * The second pass's table: what each kind of step is drawn as — an arrow
 * between a participant and the server, or a mark on a lane — with its label
 * and look. One entry per kind and observer; a kind that is not in the table
 * is not drawn.
 */

export type StepSpec =
  | {
      shape: 'arrow';
      from: 'client' | 'server';
      label: string;
      variant: ArrowVariant;
      /** Arrows with the same key, close together, are drawn as one with a count. */
      bundle: string;
    }
  | {
      shape: 'mark';
      mark: MarkShape;
      label: string;
      /** Drawn on the server's side (its column for this participant) rather than on the participant's lane. */
      atServer: boolean;
      /** A wait: how long it lasts, in ms from the step. */
      lastsMs?: number;
      /** Drawn on this server lane's lifeline (the balancer's) rather than a participant's. */
      lane?: string;
    }
  | {
      /** Scaling lab: an arrow between two server lanes (balancer → gateway, gateway ⇄ broker). */
      shape: 'link';
      from: string;
      to: string;
      /** Ends at this participant's column beside `to` (where its connection's bar is), not on the lifeline. */
      column?: string;
      label: string;
      variant: ArrowVariant;
      bundle: string;
    };

/** What the diagram leaves out: with `receiversOnly`, the sender's uploads fold into one line per message. */
export interface StepFilter {
  receiversOnly: boolean;
  /** The sender's lane (the first participant); null when nobody sends from the page. */
  sender: string | null;
}

export const ALL_STEPS: StepFilter = { receiversOnly: false, sender: null };

type Make = (event: TraceEvent) => StepSpec;

const arrow = (from: 'client' | 'server', label: string, variant: ArrowVariant): StepSpec => ({
  shape: 'arrow',
  from,
  label,
  variant,
  bundle: `${from}|${variant}`,
});
const mark = (shape: MarkShape, label: string, atServer = false, lastsMs?: number): StepSpec =>
  lastsMs === undefined
    ? { shape: 'mark', mark: shape, label, atServer }
    : { shape: 'mark', mark: shape, label, atServer, lastsMs };

/** A WebSocket frame the server sent only to show it is alive (`heartbeatAs=frame`). */
function isHeartbeatFrame(event: TraceEvent): boolean {
  return event.details?.note?.startsWith('heartbeat') === true;
}

function frameStep(event: TraceEvent): StepSpec {
  const from = event.dir === 'up' ? 'client' : 'server';
  if (event.kind !== 'ws-frame') return arrow(from, frameLabel(event), 'control');
  if (isHeartbeatFrame(event)) {
    const size = event.bytes ? ` ${event.bytes.header + event.bytes.payload} B` : '';
    return arrow(from, `heartbeat frame${size}`, 'control');
  }
  return arrow(from, frameLabel(event), 'frame');
}

function responseVariant(event: TraceEvent): ArrowVariant {
  const status = event.details?.status ?? 0;
  if (status >= 400 || status === 0) return 'error';
  return event.empty ? 'wasted' : 'response';
}

const CLIENT_STEPS: Partial<Record<TraceKind, Make>> = {
  request: (e) =>
    arrow('client', requestLabel(e), e.technique === 'websocket' ? 'upgrade' : 'request'),
  response: (e) => arrow('server', responseLabel(e), responseVariant(e)),
  'sse-open': (e) =>
    arrow(
      'server',
      `200 text/event-stream${e.details?.retryMs !== undefined ? ` · retry: ${e.details.retryMs}` : ''}`,
      'upgrade',
    ),
  'sse-event': (e) =>
    arrow(
      'server',
      `id ${e.details?.lastEventId ?? idList(e)} · ${e.details?.eventType ?? 'message'}`,
      'event',
    ),
  'ws-open': () => arrow('server', '101 Switching Protocols', 'upgrade'),
  'ws-frame': frameStep,
  ping: frameStep,
  pong: frameStep,
  close: (e) => mark('close', closeLabel(e)),
  error: (e) => mark('cross', e.details?.error ?? e.details?.errorCode ?? 'error'),
  'reconnect-wait': (e) => {
    const delay = e.details?.delayMs ?? 0;
    return mark('wait', `wait ${msLabel(delay)}`, false, delay);
  },
  reconnect: (e) =>
    mark(
      'dot',
      e.details?.lastEventId ? `reconnect · Last-Event-ID: ${e.details.lastEventId}` : 'reconnect',
    ),
  deliver: (e) => mark('dot', `${e.details?.duplicate ? 'duplicate ' : ''}#${idList(e)}`),
  // Where a run begins: a line across every lane, naming the technique.
  segment: (e) => {
    const setup = setupOf(e);
    const technique = setup?.technique ?? e.technique;
    const name = technique ? TECHNIQUE_LABELS[technique] : 'a run';
    return mark(
      'segment',
      setup?.reason === 'switch' ? `switched to ${name}` : `${name}: the run begins`,
    );
  },
  fallback: (e) =>
    mark(
      'switch',
      /back to WebSocket|works again/.test(e.details?.note ?? '')
        ? 'back to WebSocket'
        : 'fallback → long polling',
    ),
};

/** The server's view adds what the browser cannot see: heartbeats, why a hold ended, publishes. */
const SERVER_STEPS: Partial<Record<TraceKind, Make>> = {
  ping: (e) => arrow('server', e.technique === 'sse' ? 'heartbeat' : 'ping (heartbeat)', 'control'),
  pong: () => arrow('client', 'pong', 'control'),
  timeout: (e) => mark('tick', `timeout after ${msLabel(e.details?.delayMs)}`, true),
  publish: (e) => mark('dot', `publish #${idList(e)}`, true),
};

/** Scaling lab: the balancer's choice of gateway for a request, as an arrow to it; a refusal, a cross. */
function routeStep(e: TraceEvent): StepSpec {
  const gateway = e.details?.gateway;
  if (!isGateway(gateway)) {
    // Explained by code (the inspector has the balancer's sentence).
    const label = e.details?.errorCode === 'RL_ERR_NO_GATEWAY' ? 'refused: no gateway' : 'refused';
    return {
      shape: 'mark',
      mark: 'cross',
      label,
      atServer: false,
      lane: BALANCER_ACTOR,
    };
  }
  return link(BALANCER_ACTOR, gateway, `→ ${gateway}`, 'request', e.peer);
}

const link = (
  from: string,
  to: string,
  label: string,
  variant: ArrowVariant,
  column?: string,
): StepSpec => ({
  shape: 'link',
  from,
  to,
  ...(column !== undefined ? { column } : {}),
  label,
  variant,
  bundle: `${from}>${to}|${variant}`,
});

/** The broker's view: a message in from the gateway that took it, and out to each gateway it hands it to. */
const BROKER_STEPS: Partial<Record<TraceKind, Make>> = {
  publish: (e) => link(e.peer ?? BALANCER_ACTOR, BROKER_ACTOR, `publish #${idList(e)}`, 'request'),
  deliver: (e) => link(BROKER_ACTOR, e.peer ?? BALANCER_ACTOR, `#${idList(e)}`, 'response'),
};

/** The copy of a message a gateway writes toward its participant (through the balancer). */
const gatewayWrite =
  (variant: ArrowVariant): Make =>
  (e) =>
    arrow('server', `#${idList(e)} → ${e.peer ?? 'client'}`, variant);

/** A gateway's view, beyond a single server's: the messages it writes, so a message's way out is drawn too. */
const GATEWAY_STEPS: Partial<Record<TraceKind, Make>> = {
  'sse-event': gatewayWrite('event'),
  'ws-frame': gatewayWrite('frame'),
  response: gatewayWrite('response'),
};

/** Receivers only: the one line that stands for a message the sender published. */
const PUBLISHED: Make = (e) => arrow('client', `published #${idList(e)}`, 'request');

/**
 * The participant a step belongs to: the client who saw it, or the server's
 * peer. Scaling lab: the broker's steps belong to the broker's lane, a
 * balancer's or gateway's step with no participant to its own.
 */
export function participantOf(event: TraceEvent): string | undefined {
  if (event.observer === 'client') return event.actor;
  if (event.observer === 'broker') return BROKER_ACTOR;
  return event.peer ?? (isScaleServer(event.actor) ? event.actor : undefined);
}

/** Steps of the sender's that are its uploads: publish requests and their answers, publish frames and acks. */
function isUpload(event: TraceEvent): boolean {
  if (event.conn.includes('-publish-')) return true;
  if (event.kind === 'ws-frame') {
    const note = event.details?.note;
    return note === 'publish' || note === 'acknowledgement' || (event.messageIds?.length ?? 0) > 0;
  }
  return event.kind === 'deliver' || event.kind === 'sse-event';
}

/** Which entry of the table draws a step under a filter (cheap: no label is made). */
function makerOf(event: TraceEvent, filter: StepFilter): Make | undefined {
  const folding =
    filter.receiversOnly && filter.sender !== null && participantOf(event) === filter.sender;
  if (event.observer === 'client') {
    if (folding && event.kind === 'publish') return PUBLISHED;
    if (folding && isUpload(event)) return undefined;
    return CLIENT_STEPS[event.kind];
  }
  if (event.observer === 'server') {
    if (folding && (event.kind === 'publish' || event.kind === 'ping' || event.kind === 'pong'))
      return undefined;
    if (event.actor === BALANCER_ACTOR) {
      if (folding && event.conn.includes('-publish-')) return undefined;
      return event.kind === 'route' ? routeStep : undefined;
    }
    if (isGateway(event.actor)) {
      if (folding) return undefined;
      return SERVER_STEPS[event.kind] ?? gatewayWriteOf(event);
    }
    return SERVER_STEPS[event.kind];
  }
  if (event.observer === 'broker') return BROKER_STEPS[event.kind];
  return undefined;
}

/** A gateway's write that carries messages down to its participant (an empty answer or a heartbeat is left to the client's view). */
function gatewayWriteOf(event: TraceEvent): Make | undefined {
  if (event.dir !== 'down' || (event.messageIds?.length ?? 0) === 0) return undefined;
  // The answer to a publish (its 201, a publish frame's acknowledgement) carries the id, not the message.
  const note = event.details?.note;
  if (event.conn.includes('-publish-') || event.details?.method === 'POST') return undefined;
  if (note === 'publish' || note === 'acknowledgement') return undefined;
  return GATEWAY_STEPS[event.kind];
}

/** Whether a step is drawn under a filter. */
export function isShown(event: TraceEvent, filter: StepFilter): boolean {
  return makerOf(event, filter) !== undefined;
}

/**
 * How a step is drawn, or null when it is not (another observer's copy of the
 * same step, a bookkeeping step, or something the filter folds away).
 */
export function stepOf(event: TraceEvent, filter: StepFilter): StepSpec | null {
  const make = makerOf(event, filter);
  return make ? make(event) : null;
}
