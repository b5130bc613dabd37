/** The four ways a server can push data to a browser, as the lab names them. */
export const TECHNIQUES = ['short-poll', 'long-poll', 'sse', 'websocket'] as const;
export type Technique = (typeof TECHNIQUES)[number];

/** The labels the UI uses; the "Technique" tab list shows exactly these. */
export const TECHNIQUE_LABELS: Record<Technique, string> = {
  'short-poll': 'Short polling',
  'long-poll': 'Long polling',
  sse: 'Server-Sent Events',
  websocket: 'WebSocket',
};

export function isTechnique(value: unknown): value is Technique {
  return typeof value === 'string' && (TECHNIQUES as readonly string[]).includes(value);
}
