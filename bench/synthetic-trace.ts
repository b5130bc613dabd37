import type { Technique, TraceEvent, TraceEventInput } from '../src/core';

/**
 * A plausible trace for load-testing the diagram: receivers on every technique,
 * with polls, holds, stream events and frames in the proportions real runs show.
 * Deterministic (a seeded generator), so runs compare.
 */
export function syntheticEvents(
  count: number,
  start: number,
  eventsPerSecond: number,
  seed = 1,
): TraceEvent[] {
  const out: TraceEvent[] = [];
  const generator = syntheticStream(start, eventsPerSecond, seed);
  for (let seq = 0; seq < count; seq++) out.push({ ...generator.next(), seq });
  return out;
}

export function syntheticStream(
  start: number,
  eventsPerSecond: number,
  seed = 1,
): { next(): TraceEventInput } {
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  const actors: Array<[string, Technique]> = [
    ['bob', 'short-poll'],
    ['carol', 'long-poll'],
    ['dave', 'sse'],
    ['erin', 'websocket'],
  ];
  let t = start;
  let id = 0;
  let n = 0;
  const pending: TraceEventInput[] = [];
  const base = (
    actor: string,
    technique: Technique,
    conn: string,
    kind: TraceEventInput['kind'],
    dir: TraceEventInput['dir'],
  ): TraceEventInput => ({
    t,
    observer: 'client',
    actor,
    technique,
    conn,
    kind,
    dir,
  });
  return {
    next(): TraceEventInput {
      const queued = pending.shift();
      if (queued) return { ...queued, t };
      t += 1000 / eventsPerSecond;
      const [actor, technique] = actors[Math.floor(random() * actors.length)]!;
      const conn = `${actor}-${technique}-${n++}`;
      switch (technique) {
        case 'short-poll': {
          const empty = random() < 0.8;
          pending.push({
            ...base(actor, technique, conn, 'response', 'down'),
            empty,
            details: { status: 200 },
            bytes: { header: 160, payload: 30 },
          });
          return {
            ...base(actor, technique, conn, 'request', 'up'),
            details: { method: 'GET', url: '/api/channels/lobby/messages?since=0' },
          };
        }
        case 'long-poll':
          pending.push({
            ...base(actor, technique, conn, 'response', 'down'),
            empty: false,
            messageIds: [++id],
            details: { status: 200 },
          });
          return {
            ...base(actor, technique, conn, 'request', 'up'),
            details: { method: 'GET', timeoutMs: 30_000 },
          };
        case 'sse':
          return {
            ...base(actor, technique, 'dave-sse', 'sse-event', 'down'),
            messageIds: [++id],
            details: { lastEventId: String(id), eventType: 'message' },
          };
        default:
          return {
            ...base(actor, technique, 'erin-ws', 'ws-frame', random() < 0.5 ? 'up' : 'down'),
            bytes: { header: 2, payload: 80 },
            details: { opcode: 1 },
          };
      }
    },
  };
}
