import type { Technique } from './technique';

/**
 * The classic use cases, each a one-click demo: the technique that fits, who
 * takes part, where the messages come from and how often, the knobs, and why.
 */
export const PRESET_IDS = [
  'notifications',
  'sports-scores',
  'chat',
  'stock-ticker',
  'multiplayer-game',
  'collaborative-editing',
  'social-feed',
  'iot-sensors',
  'job-progress',
  'presence',
] as const;
export type PresetId = (typeof PRESET_IDS)[number];

/** Knob overrides a preset sets (ms); the rest keep their defaults. */
export interface PresetKnobs {
  pollIntervalMs?: number;
  longPollTimeoutMs?: number;
  sseRetryMs?: number;
  sseHeartbeatMs?: number;
  wsHeartbeatMs?: number;
}

/** Who sends: Alice from the page, or the server itself (a ticker, progress, readings). */
export type PresetSource =
  | { kind: 'sender'; ratePerSecond: number }
  | { kind: 'server'; ratePerSecond: number; from: string; type: string };

export interface Preset {
  id: PresetId;
  title: string;
  technique: Technique;
  /** Another technique that also fits, said in `why`. */
  alsoFits?: Technique;
  receivers: number;
  source: PresetSource;
  knobs: PresetKnobs;
  /** Two or three sentences: why this technique fits this use. */
  why: string;
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'notifications',
    title: 'Notifications ("3 new emails")',
    technique: 'long-poll',
    alsoFits: 'sse',
    receivers: 1,
    source: { kind: 'server', ratePerSecond: 0.2, from: 'mail', type: 'notification' },
    knobs: { longPollTimeoutMs: 30_000 },
    why: 'Updates are rare and flow one way, server to browser. A held long poll costs one idle request per user and answers the moment mail arrives; SSE fits as well, with less re-asking.',
  },
  {
    id: 'sports-scores',
    title: 'Live sports scores',
    technique: 'sse',
    receivers: 3,
    source: { kind: 'server', ratePerSecond: 1, from: 'scores', type: 'score' },
    knobs: { sseRetryMs: 2000, sseHeartbeatMs: 15_000 },
    why: 'The server pushes; the page only displays. One Server-Sent Events stream per viewer carries every update, reconnects by itself and resumes with Last-Event-ID.',
  },
  {
    id: 'chat',
    title: 'Chat',
    technique: 'websocket',
    receivers: 3,
    source: { kind: 'sender', ratePerSecond: 2 },
    knobs: { wsHeartbeatMs: 15_000 },
    why: 'Messages go both ways and often. One WebSocket per participant sends and receives with a few bytes of framing instead of an HTTP request per message.',
  },
  {
    id: 'stock-ticker',
    title: 'Stock ticker',
    technique: 'sse',
    alsoFits: 'websocket',
    receivers: 2,
    source: { kind: 'server', ratePerSecond: 5, from: 'ticker', type: 'tick' },
    knobs: { sseHeartbeatMs: 15_000 },
    why: 'Prices stream from the server many times a second and the page only shows them: SSE. If the same page also places trades, a WebSocket carries both directions on one connection.',
  },
  {
    id: 'multiplayer-game',
    title: 'Multiplayer game',
    technique: 'websocket',
    receivers: 3,
    source: { kind: 'sender', ratePerSecond: 10 },
    knobs: { wsHeartbeatMs: 5000 },
    why: 'Every player sends and receives many small updates a second, and each millisecond counts. A WebSocket keeps one connection open both ways with the least per-message cost (and can carry binary frames).',
  },
  {
    id: 'collaborative-editing',
    title: 'Collaborative editing',
    technique: 'websocket',
    receivers: 2,
    source: { kind: 'sender', ratePerSecond: 4 },
    knobs: { wsHeartbeatMs: 15_000 },
    why: 'Cursors and edits flow both ways, continuously, between everyone in the document. A WebSocket per editor carries them in order on one connection.',
  },
  {
    id: 'social-feed',
    title: 'Social feed',
    technique: 'sse',
    receivers: 2,
    source: { kind: 'server', ratePerSecond: 0.5, from: 'feed', type: 'post' },
    knobs: { sseRetryMs: 3000 },
    why: 'New posts flow to the reader: an SSE stream. A like is a rare action the other way: an ordinary POST, not a reason to hold a WebSocket open.',
  },
  {
    id: 'iot-sensors',
    title: 'IoT sensors',
    technique: 'websocket',
    receivers: 1,
    source: { kind: 'sender', ratePerSecond: 5 },
    knobs: { wsHeartbeatMs: 10_000 },
    why: 'Devices send readings up often and take commands down. A WebSocket keeps both directions open without a request per reading.',
  },
  {
    id: 'job-progress',
    title: 'Long-running job progress',
    technique: 'sse',
    receivers: 1,
    source: { kind: 'server', ratePerSecond: 2, from: 'job', type: 'progress' },
    knobs: { sseRetryMs: 1000 },
    why: 'A job reports its progress until it is done, one way, to whoever watches. SSE streams each step and, after a drop, resumes from the last one it got.',
  },
  {
    id: 'presence',
    title: 'Presence ("user is online")',
    technique: 'websocket',
    receivers: 3,
    source: { kind: 'sender', ratePerSecond: 0.5 },
    knobs: { wsHeartbeatMs: 2000 },
    why: 'Being online is a connection that stays alive: the WebSocket heartbeat (ping and pong) tells the server within seconds when someone is gone.',
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((preset) => preset.id === id);
}
