/**
 * The decision guide: four questions about a use case, and a recommendation
 * (technique, the preset to try it in, reasons, what the design must also
 * cover, the common mistakes). Pure data and one pure function, so the whole
 * mapping is tested without a DOM.
 *
 * How the answers decide, in order:
 * 1. data that flows both ways, more than rarely → WebSocket;
 * 2. one way, rare, for a prototype → long polling;
 * 3. everything else → Server-Sent Events. That includes a high rate one way
 *    (WebSocket is named as the alternative) and two-way traffic that is rare:
 *    the client sends with ordinary requests, and only the server's side needs
 *    a push technique.
 * Every preset chosen uses the technique recommended (guide.test.ts checks it).
 */

import { presetById, type PresetId } from './presets';
import { TECHNIQUE_LABELS } from './technique';

export type Flow = 'one-way' | 'two-way';
export type Rate = 'rare' | 'medium' | 'high';
export type Scale = 'prototype' | 'large';
export type Concern = 'blocked-websockets' | 'flaky-networks' | 'offline-users';

export interface GuideAnswers {
  flow: Flow;
  rate: Rate;
  scale: Scale;
  /** Any number of them, none included. */
  cover: readonly Concern[];
}

/** What the guide holds while the learner answers: any question may still be open. */
export type GuideDraft = Partial<GuideAnswers>;

export type GuideQuestionId = keyof GuideAnswers;

export interface GuideOption {
  value: string;
  label: string;
}

export interface GuideQuestion {
  id: GuideQuestionId;
  prompt: string;
  /** One answer (radio buttons) or any number (checkboxes). */
  multiple: boolean;
  hint?: string;
  options: readonly GuideOption[];
}

export const GUIDE_QUESTIONS: readonly GuideQuestion[] = [
  {
    id: 'flow',
    prompt: 'Which way does the data flow?',
    multiple: false,
    options: [
      { value: 'one-way', label: 'Server to client only' },
      { value: 'two-way', label: 'Both ways' },
    ],
  },
  {
    id: 'rate',
    prompt: 'How often do messages arrive?',
    multiple: false,
    options: [
      { value: 'rare', label: 'Rarely — minutes apart or more' },
      { value: 'medium', label: 'Regularly — every few seconds' },
      { value: 'high', label: 'Constantly — several a second or more' },
    ],
  },
  {
    id: 'scale',
    prompt: 'At what scale?',
    multiple: false,
    options: [
      { value: 'prototype', label: 'A prototype or small tool on one server' },
      { value: 'large', label: 'Many users across several servers' },
    ],
  },
  {
    id: 'cover',
    prompt: 'What must it also cope with?',
    multiple: true,
    hint: 'Choose any, or none.',
    options: [
      { value: 'blocked-websockets', label: 'Networks that block WebSockets' },
      { value: 'flaky-networks', label: 'Connections that drop often' },
      { value: 'offline-users', label: 'Users who are offline when a message is sent' },
    ],
  },
];

/** Whether the question has an answer that lets the learner go on (an empty choice of concerns counts). */
export function isAnswered(question: GuideQuestion, draft: GuideDraft): boolean {
  const value = draft[question.id];
  if (question.multiple) return Array.isArray(value);
  return typeof value === 'string' && question.options.some((o) => o.value === value);
}

/** The draft as complete answers, or null while a question is still open. */
export function completeAnswers(draft: GuideDraft): GuideAnswers | null {
  if (!GUIDE_QUESTIONS.every((q) => isAnswered(q, draft))) return null;
  const { flow, rate, scale, cover } = draft as GuideAnswers;
  return { flow, rate, scale, cover };
}

export type GuideTechnique = 'long-poll' | 'sse' | 'websocket';

export interface Recommendation {
  technique: GuideTechnique;
  preset: PresetId;
  reasons: string[];
  alsoCover: string[];
  mistakes: string[];
}

/** The technique and preset for each flow × rate × scale, spelled out. */
export const GUIDE_MAPPING: Record<
  Flow,
  Record<Rate, Record<Scale, { technique: GuideTechnique; preset: PresetId }>>
> = {
  'one-way': {
    rare: {
      prototype: { technique: 'long-poll', preset: 'notifications' },
      large: { technique: 'sse', preset: 'social-feed' },
    },
    medium: {
      prototype: { technique: 'sse', preset: 'job-progress' },
      large: { technique: 'sse', preset: 'sports-scores' },
    },
    high: {
      prototype: { technique: 'sse', preset: 'stock-ticker' },
      large: { technique: 'sse', preset: 'stock-ticker' },
    },
  },
  'two-way': {
    rare: {
      prototype: { technique: 'sse', preset: 'social-feed' },
      large: { technique: 'sse', preset: 'social-feed' },
    },
    medium: {
      prototype: { technique: 'websocket', preset: 'chat' },
      large: { technique: 'websocket', preset: 'chat' },
    },
    high: {
      prototype: { technique: 'websocket', preset: 'multiplayer-game' },
      large: { technique: 'websocket', preset: 'chat' },
    },
  },
};

export const GUIDE_MISTAKES: readonly string[] = [
  'WebSockets for everything: a stream of updates from the server needs no two-way socket. SSE and long polling are plain HTTP, so existing authentication, proxies and tools work unchanged, and EventSource reconnects by itself.',
  'Forgetting that a WebSocket connection is stateful: it lives on the one server that accepted it, so messages for that user must reach that server, and a deploy or crash drops every socket it held at once.',
  'Forgetting reconnects and missed messages: every connection drops sooner or later. Without an id to resume from, whatever was sent during the gap is lost; without backoff and jitter, every client retries at the same instant.',
  'Assuming the load balancer handles upgrades: Upgrade is a hop-by-hop header, so a proxy passes the handshake on only if it supports WebSockets and is set up for them (nginx needs proxy_http_version 1.1 and the Upgrade and Connection headers set), and it closes connections idle past its timeout (60 s by default in nginx).',
];

function reasonsFor(answers: GuideAnswers, technique: GuideTechnique): string[] {
  const { flow, rate, scale } = answers;
  const reasons: string[] = [];

  if (flow === 'one-way') {
    reasons.push(
      'Data flows from the server only, so a push over plain HTTP is enough; no two-way socket is needed.',
    );
  } else if (rate === 'rare') {
    reasons.push(
      'The client sends rarely, so its messages can go as ordinary HTTP requests (a POST each); only the server’s side needs a push technique.',
    );
  } else {
    reasons.push(
      'Both sides send often: one open socket carries frames either way, instead of a new HTTP request, with its headers, for every client message.',
    );
  }

  if (technique === 'long-poll') {
    reasons.push(
      'Updates are rare, so a held request spends most of its time waiting and the cost is about one request per update (plus one per timeout).',
      'For a prototype, long polling is ordinary request and response: every server framework, proxy and debugging tool already handles it.',
    );
  } else if (technique === 'sse') {
    reasons.push(
      rate === 'rare'
        ? 'Updates are rare: an idle SSE stream costs one open connection and its heartbeats, and each update is a few text lines on a response already open.'
        : rate === 'medium'
          ? 'Updates every few seconds: long polling would spend a request, with its headers, on nearly every update; an SSE stream sends each one as a few text lines on one open response.'
          : 'Several updates a second: each is a few text lines on one open response, with no request per update.',
    );
    if (rate === 'high') {
      reasons.push(
        'A WebSocket fits too: a frame from the server has only 2 to 10 bytes of header and can carry binary data. SSE is simpler and reconnects by itself.',
      );
    }
    reasons.push(
      scale === 'large'
        ? 'At scale, EventSource reconnects by itself and resumes with Last-Event-ID; over HTTP/2 all of a page’s streams to one host share one connection, so HTTP/1.1’s six connections per host do not limit it.'
        : 'EventSource reconnects by itself and resumes with Last-Event-ID, so a small app gets recovery without writing it.',
    );
  } else {
    reasons.push(
      rate === 'high'
        ? 'Several messages a second: a WebSocket frame adds only 2 to 14 bytes of header, can carry binary data, and needs no request per message.'
        : 'Messages every few seconds each way: a socket already open delivers each at once, with a few bytes of framing.',
    );
    reasons.push(
      scale === 'large'
        ? 'At scale, each server holds only its own users’ sockets, so pair WebSockets with pub/sub across servers.'
        : 'On one server every socket lives in one process, so delivering a message is a loop over its sockets.',
    );
  }
  return reasons;
}

function alsoCoverFor(answers: GuideAnswers, technique: GuideTechnique): string[] {
  const concerns = new Set(answers.cover);
  const items: string[] = [];
  if (answers.scale === 'large') {
    items.push(
      'Delivery across servers: a server can push only on connections it holds, so publish every message to a pub/sub layer (Redis, NATS, Kafka…) that all servers subscribe to.',
    );
    if (technique === 'websocket') {
      items.push(
        'Load balancing: a WebSocket stays on the server that accepted it for its whole life. A layer-7 balancer must pass the Upgrade handshake through and allow long idle times; a layer-4 (TCP) balancer passes it untouched. Use sticky sessions when a fallback transport sends several requests per session, so they reach the same server.',
      );
    }
  }
  items.push(
    'Reconnect with exponential backoff and random jitter, so that after a restart the clients do not all return at the same instant.',
    'Missed messages: give every message an increasing id and resume from the last one received (Last-Event-ID for SSE, a since= id for polls and sockets), so a reconnect neither loses nor repeats messages.',
  );
  if (concerns.has('blocked-websockets')) {
    items.push(
      technique === 'websocket'
        ? 'Fallback when WebSockets are blocked: some proxies and firewalls refuse the upgrade. After a few failed opens, fall back to long polling from the last id and try a WebSocket again now and then.'
        : technique === 'sse'
          ? 'Blocked WebSockets do not matter here: SSE is an ordinary HTTP response. Check that no proxy buffers the stream (nginx: proxy_buffering off, or the X-Accel-Buffering: no header).'
          : 'Blocked WebSockets do not matter here: long polling is ordinary HTTP requests, which pass wherever the page itself loads.',
    );
  }
  if (concerns.has('flaky-networks')) {
    items.push(
      technique === 'long-poll'
        ? 'Dropped connections: a connection can die without a close. Give each poll a deadline past its timeout and retry the ones that miss it.'
        : 'Dropped connections: a connection can die without a close (half-open). Send heartbeats and treat a few heartbeat intervals of silence as a dead connection to reopen.',
    );
  }
  if (concerns.has('offline-users')) {
    items.push(
      'Offline users: a push reaches only connected clients. Keep messages stored so a returning client catches up from its last id, and reach users away for longer through another channel (a push notification or an email).',
    );
  }
  return items;
}

/** The guide's answer for a complete set of answers. */
export function recommend(answers: GuideAnswers): Recommendation {
  const { technique, preset } = GUIDE_MAPPING[answers.flow][answers.rate][answers.scale];
  return {
    technique,
    preset,
    reasons: reasonsFor(answers, technique),
    alsoCover: alsoCoverFor(answers, technique),
    mistakes: [...GUIDE_MISTAKES],
  };
}

/** The title of the preset the recommendation opens, e.g. "Chat". */
export function guidePresetTitle(recommendation: Recommendation): string {
  return presetById(recommendation.preset)?.title ?? recommendation.preset;
}

/** The heading of the result, e.g. "Recommended: Server-Sent Events". */
export function recommendationTitle(recommendation: Recommendation): string {
  return `Recommended: ${TECHNIQUE_LABELS[recommendation.technique]}`;
}
