import type { TraceEvent, TraceEventInput } from '../core';

/**
 * A small Scaling lab trace built to the trace contract, for the diagram's
 * tests and its visual test (e2e/fixtures/scale-synthetic.json is this trace,
 * exported): Bob's SSE stream is routed to gateway-2; Alice publishes through
 * the balancer to gateway-1, the broker carries the message to gateway-1 and
 * gateway-2, and gateway-2 writes it to Bob. Then gateway-1 is killed, Alice's
 * next publish is refused (no gateway), and gateway-1 restarts.
 */

/** A fixed start, so the trace is the same every run. */
export const SCALE_T0 = 1_800_000_000_000;

const CHANNEL = 'scale-demo';
const events: TraceEventInput[] = [];
const at = (ms: number): number => SCALE_T0 + ms;

function client(actor: string, ms: number, e: Omit<TraceEventInput, 'observer' | 'actor' | 't'>) {
  events.push({ observer: 'client', actor, t: at(ms), ...e });
}

function server(actor: string, ms: number, e: Omit<TraceEventInput, 'observer' | 'actor' | 't'>) {
  events.push({
    observer: 'server',
    actor,
    t: at(ms),
    ...e,
    details: { ...e.details, serverT: at(ms) },
  });
}

function route(ms: number, peer: string, conn: string, url: string, gateway: string | null) {
  const technique = url.includes('/events') ? 'sse' : null;
  server('balancer', ms, {
    peer,
    technique,
    conn,
    kind: 'route',
    dir: 'up',
    details: gateway
      ? {
          policy: 'sticky',
          routeKey: peer,
          gateway,
          url,
          note: `sticky: ${peer} → ${gateway}`,
        }
      : {
          policy: 'sticky',
          routeKey: peer,
          url,
          note: `${peer}'s gateway-1 is down and no other takes ${peer}`,
          errorCode: 'RL_ERR_NO_GATEWAY',
        },
  });
}

function broker(ms: number, kind: 'publish' | 'deliver', gateway: string, id: number) {
  events.push({
    observer: 'broker',
    actor: 'broker',
    t: at(ms),
    peer: gateway,
    technique: null,
    conn: `broker:${CHANNEL}`,
    kind,
    dir: kind === 'publish' ? 'up' : 'down',
    messageIds: [id],
    ...(kind === 'publish' ? { bytes: { header: 0, payload: 118 } } : {}),
    details: kind === 'publish' ? { from: gateway } : {},
  });
}

const sseUrl = `/api/channels/${CHANNEL}/events?lastEventId=0&client=bob&rid=bob-sse-1`;
const publishUrl = (n: number) =>
  `/api/channels/${CHANNEL}/messages?client=alice&rid=alice-publish-${n}`;
const body = '{"from":"alice","text":"hello Bob"}';

// Bob's stream: routed to gateway-2, held open there.
client('bob', 0, {
  technique: 'sse',
  conn: 'bob-sse-1',
  kind: 'request',
  dir: 'up',
  details: { method: 'GET', url: sseUrl },
});
route(2, 'bob', 'bob-sse-1', sseUrl, 'gateway-2');
server('gateway-2', 3, {
  peer: 'bob',
  technique: 'sse',
  conn: 'bob-sse-1',
  kind: 'request',
  dir: 'up',
  bytes: { header: 412, payload: 0 },
  details: { method: 'GET', url: sseUrl },
});
server('gateway-2', 4, {
  peer: 'bob',
  technique: 'sse',
  conn: 'bob-sse-1',
  kind: 'sse-open',
  dir: 'down',
  bytes: { header: 204, payload: 0 },
  details: { status: 200 },
});
client('bob', 8, {
  technique: 'sse',
  conn: 'bob-sse-1',
  kind: 'sse-open',
  dir: 'down',
  details: { status: 200 },
});

// Alice's message #1: balancer → gateway-1 → broker → gateway-1 and gateway-2 → Bob.
client('alice', 200, {
  technique: 'sse',
  conn: 'alice-publish-1',
  kind: 'request',
  dir: 'up',
  bytes: { header: 0, payload: body.length },
  details: { method: 'POST', url: publishUrl(1), body },
});
client('alice', 201, {
  technique: 'sse',
  conn: 'alice-publish-1',
  kind: 'publish',
  dir: 'none',
  details: { from: 'alice', sentAt: at(200) },
});
route(202, 'alice', 'alice-publish-1', publishUrl(1), 'gateway-1');
server('gateway-1', 204, {
  peer: 'alice',
  technique: null,
  conn: 'alice-publish-1',
  kind: 'request',
  dir: 'up',
  bytes: { header: 398, payload: body.length },
  details: { method: 'POST', url: publishUrl(1) },
});
server('gateway-1', 205, {
  peer: 'alice',
  technique: null,
  conn: 'alice-publish-1',
  kind: 'publish',
  dir: 'none',
  messageIds: [1],
  details: { from: 'alice', sentAt: at(200) },
});
broker(206, 'publish', 'gateway-1', 1);
broker(207, 'deliver', 'gateway-1', 1);
broker(207.5, 'deliver', 'gateway-2', 1);
server('gateway-1', 209, {
  peer: 'alice',
  technique: null,
  conn: 'alice-publish-1',
  kind: 'response',
  dir: 'down',
  messageIds: [1],
  bytes: { header: 176, payload: 36 },
  details: { status: 201, method: 'POST', url: publishUrl(1) },
});
server('gateway-2', 210, {
  peer: 'bob',
  technique: 'sse',
  conn: 'bob-sse-1',
  kind: 'sse-event',
  dir: 'down',
  messageIds: [1],
  bytes: { header: 6, payload: 140 },
  details: { lastEventId: '1', eventType: 'message' },
});
client('alice', 212, {
  technique: 'sse',
  conn: 'alice-publish-1',
  kind: 'response',
  dir: 'down',
  messageIds: [1],
  details: { status: 201 },
});
client('bob', 214, {
  technique: 'sse',
  conn: 'bob-sse-1',
  kind: 'sse-event',
  dir: 'down',
  messageIds: [1],
  details: { lastEventId: '1', eventType: 'message' },
});
client('bob', 214.5, {
  technique: 'sse',
  conn: 'bob-sse-1',
  kind: 'deliver',
  dir: 'none',
  messageIds: [1],
  details: { from: 'alice', sentAt: at(200) },
});

// gateway-1 is killed; Alice's next publish finds no gateway; gateway-1 restarts.
server('gateway-1', 400, {
  technique: null,
  conn: 'scale-fault',
  kind: 'fault',
  dir: 'none',
  details: { fault: 'gateway-killed', faultPhase: 'start', note: 'gateway-1 killed' },
});
client('alice', 500, {
  technique: 'sse',
  conn: 'alice-publish-2',
  kind: 'request',
  dir: 'up',
  bytes: { header: 0, payload: body.length },
  details: { method: 'POST', url: publishUrl(2), body },
});
route(502, 'alice', 'alice-publish-2', publishUrl(2), null);
client('alice', 505, {
  technique: 'sse',
  conn: 'alice-publish-2',
  kind: 'response',
  dir: 'down',
  details: { status: 503, errorCode: 'RL_ERR_NO_GATEWAY' },
});
server('gateway-1', 800, {
  technique: null,
  conn: 'scale-fault',
  kind: 'fault',
  dir: 'none',
  details: { fault: 'gateway-restarted', faultPhase: 'end', note: 'gateway-1 restarted' },
});

/** The trace, numbered in time order. */
export function scaleSyntheticTrace(): TraceEvent[] {
  return [...events].sort((a, b) => a.t - b.t).map((event, seq) => ({ ...event, seq }));
}
