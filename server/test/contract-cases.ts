/**
 * The public API's contract as cases, run against the lab server (server/contract.test.ts,
 * real sockets on a free port) and against the offline simulation (src/mocks/contract.test.ts,
 * msw in Node), so that the two cannot drift. Each case speaks only the API: fetch, the
 * event-stream text and the global WebSocket, against a base URL.
 */
import { expect } from 'vitest';
import { SseParser, type Message, type SseItem } from '../../src/core';

/** Where a suite's server answers. */
export interface ContractTarget {
  /** `http://host:port` (no trailing slash). */
  base: string;
  /** `ws://host:port`. */
  wsBase: string;
}

/** A request that must be refused, and how. */
export interface RefusalCase {
  name: string;
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  status: number;
  code: string;
}

const json = { 'content-type': 'application/json' };
const publishBody = (fields: Record<string, unknown>): string => JSON.stringify(fields);
const stream = { accept: 'text/event-stream' };

export const REFUSAL_CASES: RefusalCase[] = [
  {
    name: 'since=abc',
    path: '/api/channels/lobby/messages?since=abc',
    status: 400,
    code: 'RL_ERR_BAD_SINCE',
  },
  {
    name: 'since=1e309 (Infinity)',
    path: '/api/channels/lobby/messages?since=1e309',
    status: 400,
    code: 'RL_ERR_BAD_SINCE',
  },
  {
    name: 'since=-1',
    path: '/api/channels/lobby/messages?since=-1',
    status: 400,
    code: 'RL_ERR_BAD_SINCE',
  },
  {
    name: 'a bad channel name',
    path: '/api/channels/Not_A_Name/messages',
    status: 400,
    code: 'RL_ERR_BAD_CHANNEL',
  },
  {
    name: 'a bad client label',
    path: '/api/channels/lobby/messages?client=Bob%20X',
    status: 400,
    code: 'RL_ERR_BAD_LABEL',
  },
  {
    name: 'a long-poll timeout out of range',
    path: '/api/channels/lobby/long-poll?timeout=999999',
    status: 400,
    code: 'RL_ERR_BAD_TIMEOUT',
  },
  {
    name: 'lastEventId=abc',
    path: '/api/channels/lobby/events?lastEventId=abc',
    headers: stream,
    status: 400,
    code: 'RL_ERR_BAD_LAST_EVENT_ID',
  },
  {
    name: 'a bad Last-Event-ID header',
    path: '/api/channels/lobby/events',
    headers: { ...stream, 'last-event-id': 'x' },
    status: 400,
    code: 'RL_ERR_BAD_LAST_EVENT_ID',
  },
  {
    name: 'an SSE heartbeat out of range',
    path: '/api/channels/lobby/events?heartbeat=5',
    headers: stream,
    status: 400,
    code: 'RL_ERR_BAD_TIMEOUT',
  },
  {
    name: 'a publish as text/plain',
    method: 'POST',
    path: '/api/channels/lobby/messages',
    headers: { 'content-type': 'text/plain' },
    body: 'hi',
    status: 415,
    code: 'RL_ERR_UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'a publish that is not JSON',
    method: 'POST',
    path: '/api/channels/lobby/messages',
    headers: json,
    body: '{nope',
    status: 400,
    code: 'RL_ERR_BAD_JSON',
  },
  {
    name: 'a publish with "text": 5',
    method: 'POST',
    path: '/api/channels/lobby/messages',
    headers: json,
    body: publishBody({ from: 'alice', text: 5 }),
    status: 400,
    code: 'RL_ERR_BAD_BODY',
  },
  {
    name: 'a publish with "text": null',
    method: 'POST',
    path: '/api/channels/lobby/messages',
    headers: json,
    body: publishBody({ from: 'alice', text: null }),
    status: 400,
    code: 'RL_ERR_BAD_BODY',
  },
  {
    name: 'a publish with no "from"',
    method: 'POST',
    path: '/api/channels/lobby/messages',
    headers: json,
    body: publishBody({ text: 'hi' }),
    status: 400,
    code: 'RL_ERR_BAD_BODY',
  },
  {
    name: 'a publish with an unknown field',
    method: 'POST',
    path: '/api/channels/lobby/messages',
    headers: json,
    body: publishBody({ from: 'alice', text: 'hi', colour: 'red' }),
    status: 400,
    code: 'RL_ERR_BAD_BODY',
  },
  {
    name: 'a publish over 16 KiB',
    method: 'POST',
    path: '/api/channels/lobby/messages',
    headers: json,
    body: publishBody({ from: 'alice', text: 'x'.repeat(17_000) }),
    status: 413,
    code: 'RL_ERR_BODY_TOO_LARGE',
  },
  {
    name: 'a fault that does not exist',
    method: 'POST',
    path: '/api/faults',
    headers: json,
    body: publishBody({ meteor: true }),
    status: 400,
    code: 'RL_ERR_BAD_FAULT',
  },
  {
    name: 'a latency fault out of range',
    method: 'POST',
    path: '/api/faults',
    headers: json,
    body: publishBody({ latencyMs: { up: 99_999 } }),
    status: 400,
    code: 'RL_ERR_BAD_FAULT',
  },
  {
    name: 'a schedule that never played',
    path: '/api/channels/never-scheduled/schedule',
    status: 404,
    code: 'RL_ERR_NO_SCHEDULE',
  },
  {
    name: 'a schedule with rate 0',
    method: 'POST',
    path: '/api/channels/lobby/schedule',
    headers: json,
    body: publishBody({ rate: 0, count: 3 }),
    status: 400,
    code: 'RL_ERR_BAD_BODY',
  },
];

export async function expectRefusal(target: ContractTarget, c: RefusalCase): Promise<void> {
  const response = await fetch(`${target.base}${c.path}`, {
    method: c.method ?? 'GET',
    headers: c.headers ?? {},
    ...(c.body !== undefined ? { body: c.body } : {}),
  });
  const body = (await response.json()) as { error?: unknown; code?: unknown };
  expect({ status: response.status, code: body.code }).toEqual({ status: c.status, code: c.code });
  expect(typeof body.error).toBe('string');
}

async function getJson<T>(
  target: ContractTarget,
  path: string,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${target.base}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

async function publish(target: ContractTarget, channel: string, text: string): Promise<number> {
  const response = await fetch(`${target.base}/api/channels/${channel}/messages`, {
    method: 'POST',
    headers: json,
    body: publishBody({ from: 'alice', text }),
  });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { id: number; publishedAt: number };
  expect(Number.isInteger(body.id)).toBe(true);
  return body.id;
}

interface Poll {
  messages: Message[];
  lastId: number;
  ahead?: true;
}

/** Reads an event stream until `until` says it has enough, or `ms` pass. */
async function readEvents(
  response: Response,
  until: (items: SseItem[]) => boolean,
  ms = 3_000,
): Promise<SseItem[]> {
  const reader = response.body!.getReader();
  const parser = new SseParser();
  const items: SseItem[] = [];
  const decoder = new TextDecoder();
  const deadline = Date.now() + ms;
  try {
    while (!until(items) && Date.now() < deadline) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), deadline - Date.now())),
      ]);
      if (chunk === null || chunk.done) break;
      items.push(...parser.feed(decoder.decode(chunk.value, { stream: true })));
    }
  } finally {
    // Not awaited: a body msw has teed settles its cancel only once every branch is cancelled.
    void reader.cancel().catch(() => undefined);
  }
  return items;
}

/** A socket's text frames as parsed JSON, and a way to wait for one that matches. */
function openSocket(url: string): {
  socket: WebSocket;
  frames: Array<Record<string, unknown>>;
  next: (
    match: (f: Record<string, unknown>) => boolean,
    ms?: number,
  ) => Promise<Record<string, unknown>>;
  closed: Promise<{ code: number; opened: boolean }>;
} {
  const socket = new WebSocket(url);
  const frames: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  let opened = false;
  socket.addEventListener('open', () => (opened = true));
  socket.addEventListener('message', (event) => {
    if (typeof event.data === 'string')
      frames.push(JSON.parse(event.data) as Record<string, unknown>);
    for (const waiter of waiters.splice(0)) waiter();
  });
  // Node's WebSocket fires only 'error' after a refused upgrade, a browser 'error' and 'close'.
  const closed = new Promise<{ code: number; opened: boolean }>((resolve) => {
    socket.addEventListener('close', (event) => resolve({ code: event.code, opened }));
    socket.addEventListener('error', () => resolve({ code: 1006, opened }));
  });
  const next = (match: (f: Record<string, unknown>) => boolean, ms = 3_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching frame in ${ms} ms: ${JSON.stringify(frames)}`)),
        ms,
      );
      const look = (): void => {
        const found = frames.find(match);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(look);
      };
      look();
    });
  return { socket, frames, next, closed };
}

/** A behaviour of the API, end to end; `channel` is a fresh channel for the case. */
export interface ScenarioCase {
  name: string;
  run: (target: ContractTarget, channel: string) => Promise<void>;
}

export const SCENARIO_CASES: ScenarioCase[] = [
  {
    name: 'health answers ok',
    run: async (target) => {
      const { status, body } = await getJson<{ ok: boolean }>(target, '/api/health');
      expect(status).toBe(200);
      expect(body.ok).toBe(true);
    },
  },
  {
    name: 'a short poll returns what is newer than since, and nothing past the last id',
    run: async (target, channel) => {
      const first = await publish(target, channel, 'one');
      const second = await publish(target, channel, 'two');
      expect(second).toBeGreaterThan(first);
      const all = await getJson<Poll>(target, `/api/channels/${channel}/messages?since=0`);
      expect(all.body.messages.map((m) => m.text)).toEqual(['one', 'two']);
      expect(all.body.lastId).toBe(second);
      const after = await getJson<Poll>(target, `/api/channels/${channel}/messages?since=${first}`);
      expect(after.body.messages.map((m) => m.id)).toEqual([second]);
      const none = await getJson<Poll>(target, `/api/channels/${channel}/messages?since=${second}`);
      expect(none.body).toEqual({ messages: [], lastId: second });
    },
  },
  {
    name: 'a since above the last id is answered ahead, with everything kept',
    run: async (target, channel) => {
      const id = await publish(target, channel, 'kept');
      const ahead = await getJson<Poll>(
        target,
        `/api/channels/${channel}/messages?since=${id + 50}`,
      );
      expect(ahead.body.ahead).toBe(true);
      expect(ahead.body.lastId).toBe(id);
      expect(ahead.body.messages.map((m) => m.text)).toEqual(['kept']);
    },
  },
  {
    name: 'a long poll is held until a publish releases it',
    run: async (target, channel) => {
      const held = fetch(`${target.base}/api/channels/${channel}/long-poll?since=0&timeout=5000`);
      const early = await Promise.race([
        held.then(() => 'answered'),
        new Promise((r) => setTimeout(() => r('held'), 200)),
      ]);
      expect(early).toBe('held');
      const id = await publish(target, channel, 'release');
      const body = (await (await held).json()) as Poll;
      expect(body.messages.map((m) => m.id)).toEqual([id]);
      expect(body.lastId).toBe(id);
    },
  },
  {
    name: 'a long poll times out with an empty answer',
    run: async (target, channel) => {
      const started = Date.now();
      const poll = await getJson<Poll>(
        target,
        `/api/channels/${channel}/long-poll?since=0&timeout=300`,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(poll.body).toEqual({ messages: [], lastId: 0 });
    },
  },
  {
    name: 'an event stream starts with retry:, replays after Last-Event-ID, then goes live',
    run: async (target, channel) => {
      const first = await publish(target, channel, 'missed-not');
      const second = await publish(target, channel, 'missed');
      const response = await fetch(`${target.base}/api/channels/${channel}/events?retry=1500`, {
        headers: { ...stream, 'last-event-id': String(first) },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const live = publish(target, channel, 'live');
      const items = await readEvents(
        response,
        (seen) => seen.filter((i) => i.kind === 'event').length >= 2,
      );
      await live;
      expect(items[0]).toEqual({ kind: 'retry', retry: 1500 });
      const events = items.flatMap((i) => (i.kind === 'event' ? [i] : []));
      expect(events.map((e) => e.id)).toEqual([String(second), String(second + 1)]);
      expect(events.map((e) => (JSON.parse(e.data) as Message).text)).toEqual(['missed', 'live']);
      expect(events[0]!.event).toBe('message');
    },
  },
  {
    name: 'a WebSocket replays from since, acks a publish op, resumes, and refuses a bad op',
    run: async (target, channel) => {
      const first = await publish(target, channel, 'before');
      const ws = openSocket(`${target.wsBase}/api/channels/${channel}/ws?since=0&client=bob`);
      const replayed = await ws.next((f) => f.type === 'message');
      expect((replayed.message as Message).id).toBe(first);
      ws.socket.send(JSON.stringify({ op: 'publish', text: 'over ws', ref: 'r1' }));
      const ack = await ws.next((f) => f.type === 'published');
      expect(ack.ref).toBe('r1');
      const live = await ws.next(
        (f) => f.type === 'message' && (f.message as Message).id === ack.id,
      );
      expect((live.message as Message).from).toBe('bob');
      ws.socket.send(JSON.stringify({ op: 'resume', since: 0 }));
      await ws.next(
        (f) => f.type === 'message' && ws.frames.filter((g) => g.type === 'message').length >= 3,
      );
      ws.socket.send(JSON.stringify({ op: 'dance' }));
      const refused = await ws.next((f) => f.type === 'error');
      expect(refused.code).toBe('RL_ERR_UNKNOWN_OP');
      ws.socket.close(1000);
      await ws.closed;
    },
  },
  {
    name: 'faults: a drop ends a held poll, blocked WebSockets never open, a reboot answers 503',
    run: async (target, channel) => {
      const setFaults = (body: Record<string, unknown>) =>
        fetch(`${target.base}/api/faults`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify(body),
        });
      const held = fetch(
        `${target.base}/api/channels/${channel}/long-poll?since=0&timeout=5000`,
      ).then(
        () => 'answered',
        () => 'dropped',
      );
      await new Promise((r) => setTimeout(r, 150));
      expect((await setFaults({ drop: true })).status).toBe(200);
      expect(await held).toBe('dropped');
      await setFaults({ blockWebSockets: true });
      try {
        const blocked = openSocket(`${target.wsBase}/api/channels/${channel}/ws`);
        const closed = await blocked.closed;
        expect(closed.opened).toBe(false);
      } finally {
        await setFaults({ blockWebSockets: false });
      }
      const state = (await (await setFaults({ restart: { downForMs: 400 } })).json()) as {
        restartingUntil: number | null;
      };
      expect(state.restartingUntil).not.toBeNull();
      const down = await fetch(`${target.base}/api/channels/${channel}/messages`);
      expect(down.status).toBe(503);
      expect(((await down.json()) as { code: string }).code).toBe('RL_ERR_UNAVAILABLE');
      await new Promise((r) => setTimeout(r, 500));
      expect((await fetch(`${target.base}/api/channels/${channel}/messages`)).status).toBe(200);
    },
  },
  {
    name: 'a seeded schedule publishes its count of messages',
    run: async (target, channel) => {
      const started = await fetch(`${target.base}/api/channels/${channel}/schedule`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ rate: 20, count: 4, seed: 7 }),
      });
      expect(started.status).toBe(201);
      const deadline = Date.now() + 3_000;
      let poll: Poll = { messages: [], lastId: 0 };
      while (poll.messages.length < 4 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        poll = (await getJson<Poll>(target, `/api/channels/${channel}/messages?since=0`)).body;
      }
      expect(poll.messages.map((m) => m.text)).toEqual(
        [1, 2, 3, 4].map((n) => `ticker #${n} of 4`),
      );
    },
  },
];
