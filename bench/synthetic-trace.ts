import type { Technique, TraceEvent, TraceEventInput } from '../src/core';

/** A seeded xorshift32 generator: the same numbers in [0, 1) for the same seed, run after run. */
function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
}

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
  const random = xorshift(seed);
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

/**
 * A class demo as the lab draws it: short polling with three receivers polling
 * every second while Alice sends five messages a second at random — her POST,
 * the server's publish and the 201, then each receiver's poll, its answer and
 * a delivery per message. Times are ms from 0, in order.
 */
export function classDemoEvents(seconds: number, seed = 1): TraceEventInput[] {
  const random = xorshift(seed);
  const out: TraceEventInput[] = [];
  const technique = 'short-poll' as const;
  const published: Array<{ id: number; t: number }> = [];
  let id = 0;
  for (let t = 0; t < seconds * 1000; t += -Math.log(1 - random()) * 200) {
    const conn = `alice-publish-${++id}`;
    const base = { technique, conn, actor: 'alice' } as const;
    out.push({
      ...base,
      observer: 'client',
      kind: 'request',
      dir: 'up',
      t,
      bytes: { header: 420, payload: 60 },
      details: { method: 'POST', url: '/api/channels/lobby/messages' },
    });
    out.push({
      ...base,
      observer: 'server',
      actor: 'server-1',
      peer: 'alice',
      kind: 'publish',
      dir: 'none',
      t: t + 2,
      messageIds: [id],
    });
    out.push({
      ...base,
      observer: 'client',
      kind: 'response',
      dir: 'down',
      t: t + 4,
      messageIds: [id],
      bytes: { header: 180, payload: 40 },
      details: { status: 201 },
    });
    published.push({ id, t: t + 2 });
  }
  ['bob', 'carol', 'dave'].forEach((actor, r) => {
    let since = 0;
    let n = 0;
    for (let t = 150 * r; t < seconds * 1000; t += 1000) {
      const conn = `${actor}-short-poll-${++n}`;
      const ids = published.filter((p) => p.t < t && p.id > since).map((p) => p.id);
      out.push({
        observer: 'client',
        actor,
        technique,
        conn,
        kind: 'request',
        dir: 'up',
        t,
        bytes: { header: 400, payload: 0 },
        details: { method: 'GET', url: `/api/channels/lobby/messages?since=${since}` },
      });
      out.push({
        observer: 'client',
        actor,
        technique,
        conn,
        kind: 'response',
        dir: 'down',
        t: t + 6,
        empty: ids.length === 0,
        messageIds: ids,
        bytes: { header: 200, payload: 90 * ids.length + 20 },
        details: { status: 200 },
      });
      for (const i of ids)
        out.push({
          observer: 'client',
          actor,
          technique,
          conn,
          kind: 'deliver',
          dir: 'none',
          t: t + 7,
          messageIds: [i],
        });
      since = ids.at(-1) ?? since;
    }
  });
  return out.sort((a, b) => a.t - b.t);
}
