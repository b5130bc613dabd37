import { describeFrameHeader, encodeSseEvent, type ByteCount, type TraceEvent } from '../core';
import { isScaleServer } from './scale';
import { isSimulatedStep } from '../core';
import type { TraceIndex } from './trace-index';

/** What the inspector shows for one step: a title, label/value rows, and blocks of raw text. */
export interface Inspection {
  title: string;
  rows: Array<[string, string]>;
  blocks: Array<{ title: string; text: string }>;
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function headerBlock(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}

function bytesText(bytes: ByteCount): string {
  return `${bytes.header + bytes.payload} B = ${bytes.header} B header + ${bytes.payload} B payload`;
}

/**
 * The other side's record of the same step: same connection, kind and
 * direction, seen by the other observer, carrying the same messages and
 * nearest in time (within 2 s).
 */
function counterpartOf(event: TraceEvent, sameConn: readonly TraceEvent[]): TraceEvent | undefined {
  const ids = (e: TraceEvent) => (e.messageIds ?? []).join(',');
  let best: TraceEvent | undefined;
  let bestScore = Infinity;
  for (const e of sameConn) {
    if (e === event || e.observer === event.observer || !e.bytes) continue;
    if (e.kind !== event.kind || e.dir !== event.dir) continue;
    const gap = Math.abs(e.t - event.t);
    if (gap >= 2000) continue;
    // Another message's frame on the same socket is a worse match than any frame of this one.
    const score = gap + (ids(e) === ids(event) ? 0 : 2000);
    if (score < bestScore) {
      best = e;
      bestScore = score;
    }
  }
  return best;
}

/** Why the browser's count of a step is only an estimate (and how it parts from the server's). */
export function estimateReason(client: TraceEvent, server: ByteCount | undefined): string {
  const bytes = client.bytes ?? { header: 0, payload: 0 };
  const same =
    server !== undefined && server.header === bytes.header && server.payload === bytes.payload;
  switch (client.kind) {
    case 'request':
      return 'fetch, EventSource and WebSocket never show the page a request’s headers: the browser adds them (Host, User-Agent, cookies…) on its way out, so only the body is counted.';
    case 'response':
      return bytes.header === 300
        ? 'Resource Timing gives every response’s headers as a flat 300 B: the spec adds that constant instead of their real size, so that cookie sizes stay hidden.'
        : 'the browser made no Resource Timing entry for this response, so the page does not know its headers.';
    case 'sse-open':
    case 'ws-open':
      return 'EventSource and WebSocket do not show the page the response’s headers, so the page counts none.';
    case 'sse-event':
      return 'EventSource hands the page the event’s lines, not the chunked framing around them on the wire.';
    case 'ws-frame':
    case 'ping':
    case 'pong':
      return same
        ? 'the page never sees a frame’s header, but RFC 6455 fixes its size by payload length and mask, so the page works it out: the same here.'
        : 'the page never sees a frame’s header: it works its size out from RFC 6455’s rules.';
    default:
      return 'the browser’s own view of the step.';
  }
}

type Rows = Array<[string, string]>;
type Blocks = Inspection['blocks'];

/** Which step: its kind and direction, who saw it, whose it is, its technique, connection and time. */
function identityRows(event: TraceEvent, origin: number): Rows {
  return [
    [
      'step',
      `${event.kind} (${event.dir === 'up' ? 'client → server' : event.dir === 'down' ? 'server → client' : 'local'})`,
    ],
    [
      'seen by',
      `${event.observer}${event.observer === 'server' && event.peer ? ` (peer ${event.peer})` : ''}`,
    ],
    ['participant', event.observer === 'client' ? event.actor : (event.peer ?? '—')],
    ['technique', event.technique ?? '—'],
    ['connection', event.conn],
    ['at', ms(event.t - origin)],
  ];
}

/** Scaling lab: the balancer's choice (policy, key, gateway, why), the broker's gateways, the gateway that saw a step. */
function scaleRows(event: TraceEvent): Rows {
  if (event.observer === 'client' || !isScaleServer(event.actor)) return [];
  const d = event.details ?? {};
  if (event.kind === 'route') {
    const rows: Rows = [
      ['policy', d.policy ?? '—'],
      ['routed by', d.routeKey ? `user ${d.routeKey}` : 'no user label'],
      ['gateway', d.gateway ?? 'none: refused'],
    ];
    if (d.note) rows.push(['why', d.note]);
    if (d.errorCode && !d.error) rows.push(['error code', d.errorCode]);
    return rows;
  }
  if (event.observer === 'broker')
    return [[event.kind === 'publish' ? 'from gateway' : 'to gateway', event.peer ?? '—']];
  return event.kind === 'fault' ? [] : [['gateway', event.actor]];
}

/** The HTTP exchange: the request line, the status, what the answer carried. */
function exchangeRows(event: TraceEvent): Rows {
  const rows: Rows = [];
  const d = event.details ?? {};
  if (d.method || d.url) rows.push(['request', `${d.method ?? 'GET'} ${d.url ?? ''}`]);
  if (d.status !== undefined)
    rows.push(['status', `${d.status}${d.statusText ? ` ${d.statusText}` : ''}`]);
  if (event.empty !== undefined)
    rows.push([
      'carried',
      event.empty
        ? 'nothing (an empty, wasted response)'
        : `${event.messageIds?.length ?? 0} message(s)`,
    ]);
  return rows;
}

/** One step, two counts: the server's is what was on the wire; the browser's is an estimate. */
function byteRows(event: TraceEvent, sameConn: readonly TraceEvent[]): Rows {
  const rows: Rows = [];
  const counterpart = counterpartOf(event, sameConn);
  const serverSide = [event, counterpart].find((e) => e?.observer === 'server' && e.bytes);
  const clientSide = [event, counterpart].find((e) => e?.observer === 'client' && e.bytes);
  if (serverSide?.bytes)
    rows.push([
      isSimulatedStep(serverSide)
        ? 'simulated (nothing on a wire)'
        : 'on the wire (server’s count)',
      bytesText(serverSide.bytes),
    ]);
  if (clientSide?.bytes) {
    rows.push(['browser’s estimate', bytesText(clientSide.bytes)]);
    const server = serverSide?.bytes;
    const same =
      server !== undefined &&
      server.header === clientSide.bytes.header &&
      server.payload === clientSide.bytes.payload;
    rows.push([
      !server ? 'why an estimate' : same ? 'why they agree' : 'why they differ',
      estimateReason(clientSide, server),
    ]);
  }
  return rows;
}

/** The connection's life: how long it lasted (or since when it is open), its waits, timeouts, close and error. */
function connectionRows(event: TraceEvent, sameConn: readonly TraceEvent[], origin: number): Rows {
  const rows: Rows = [];
  const d = event.details ?? {};
  const spanStart = sameConn.find(
    (e) => e.kind === 'request' || e.kind === 'sse-open' || e.kind === 'ws-open',
  );
  const spanEnd = [...sameConn]
    .reverse()
    .find((e) => e.kind === 'response' || e.kind === 'close' || e.kind === 'error');
  if (spanStart && spanEnd && spanEnd.t >= spanStart.t)
    rows.push(['connection lasted', ms(spanEnd.t - spanStart.t)]);
  else if (spanStart) rows.push(['connection', `open since ${ms(spanStart.t - origin)}`]);
  if (d.delayMs !== undefined)
    rows.push([event.kind === 'reconnect-wait' ? 'wait' : 'held', ms(d.delayMs)]);
  if (d.timeoutMs !== undefined) rows.push(['timeout asked for', `${d.timeoutMs} ms`]);
  if (d.retryMs !== undefined) rows.push(['retry', `${d.retryMs} ms`]);
  if (d.closeCode !== undefined)
    rows.push([
      'close code',
      `${d.closeCode}${d.closeReason ? ` (${d.closeReason})` : ''}${d.wasClean === false ? ', not clean' : ''}`,
    ]);
  if (d.error) rows.push(['error', `${d.error}${d.errorCode ? ` [${d.errorCode}]` : ''}`]);
  return rows;
}

/** Each message the step carried: its latency on a delivery, otherwise when it was sent. */
function messageRows(event: TraceEvent, index: TraceIndex, origin: number): Rows {
  return (event.messageIds ?? []).map((id): [string, string] => {
    const publish = index.events.find(
      (e) => e.kind === 'publish' && e.observer === 'client' && e.messageIds?.includes(id),
    );
    const sentAt = publish?.details?.sentAt;
    if (event.kind === 'deliver' && sentAt !== undefined)
      return [`latency of #${id}`, ms(event.t - sentAt)];
    return [
      `message #${id}`,
      sentAt !== undefined ? `sent at ${ms(sentAt - origin)}` : 'sent elsewhere',
    ];
  });
}

/** The request's headers (the server's record when the page has none) and, on an answer or an open, the response's. */
function headerBlocks(event: TraceEvent, sameConn: readonly TraceEvent[]): Blocks {
  const blocks: Blocks = [];
  const d = event.details ?? {};
  const server = sameConn.find((e) => e.observer === 'server' && e.details?.requestHeaders);
  const requestHeaders = d.requestHeaders ?? server?.details?.requestHeaders;
  if (requestHeaders) blocks.push({ title: 'Request headers', text: headerBlock(requestHeaders) });
  const responseHeaders =
    d.responseHeaders ?? sameConn.find((e) => e.details?.responseHeaders)?.details?.responseHeaders;
  if (
    responseHeaders &&
    (event.kind === 'response' || event.kind === 'sse-open' || event.kind === 'ws-open')
  ) {
    blocks.push({ title: 'Response headers', text: headerBlock(responseHeaders) });
  }
  return blocks;
}

/** A WebSocket frame's header, field by field, and its payload. */
function frameBlocks(event: TraceEvent, bytes: ByteCount): Blocks {
  const d = event.details ?? {};
  const masked = d.masked ?? event.dir === 'up';
  const opcode = d.opcode ?? (event.kind === 'ping' ? 9 : event.kind === 'pong' ? 10 : 1);
  const f = describeFrameHeader(bytes.payload, opcode, masked);
  const blocks: Blocks = [
    {
      title: 'Frame header (RFC 6455 §5.2)',
      text: [
        `first two bytes  ${f.firstBytesBinary}`,
        `FIN ${f.fin ? 1 : 0} · RSV1-3 000 · opcode ${f.opcode} (${f.opcodeName})`,
        `MASK ${f.mask ? 1 : 0} · payload length field ${f.lengthField}`,
        `extended length ${f.extendedLengthBytes} B · masking key ${f.maskingKeyBytes} B`,
        `header ${f.headerBytes} B + payload ${f.payloadLength} B = ${f.headerBytes + f.payloadLength} B`,
      ].join('\n'),
    },
  ];
  if (d.body !== undefined) blocks.push({ title: 'Payload', text: prettyBody(d.body) });
  return blocks;
}

/** What the step carried, as it was on the wire: an event's stream lines, a frame, or a body. */
function contentBlocks(event: TraceEvent): Blocks {
  const d = event.details ?? {};
  if (event.kind === 'sse-event') {
    const lines =
      d.body !== undefined && /^(id|event|data|retry):/m.test(d.body)
        ? d.body
        : encodeSseEvent({
            ...(d.lastEventId !== undefined ? { id: d.lastEventId } : {}),
            ...(d.eventType !== undefined ? { event: d.eventType } : {}),
            data: d.body ?? '',
          });
    return [{ title: 'Event stream lines', text: lines }];
  }
  if ((event.kind === 'ws-frame' || event.kind === 'ping' || event.kind === 'pong') && event.bytes)
    return frameBlocks(event, event.bytes);
  if (d.body !== undefined)
    return [{ title: event.dir === 'up' ? 'Request body' : 'Body', text: prettyBody(d.body) }];
  return [];
}

/**
 * Everything the trace knows about one step, down to its bytes: both sides' view
 * of the same connection (client and server share `conn`), the span it belongs
 * to, and the latency of each message it carried.
 */
export function inspectStep(index: TraceIndex, seq: number, origin: number): Inspection | null {
  const event = index.events.find((e) => e.seq === seq);
  if (!event) return null;
  const sameConn = index.events.filter((e) => e.conn === event.conn);
  return {
    title: `${event.kind} · ${event.observer === 'client' || isScaleServer(event.actor) ? event.actor : 'server'} · #${event.seq}`,
    rows: [
      ...identityRows(event, origin),
      ...scaleRows(event),
      ...exchangeRows(event),
      ...byteRows(event, sameConn),
      ...connectionRows(event, sameConn, origin),
      ...messageRows(event, index, origin),
    ],
    blocks: [...headerBlocks(event, sameConn), ...contentBlocks(event)],
  };
}

/** The drawable steps in time order, for moving through them with the keyboard. */
export function neighbourStep(
  events: readonly TraceEvent[],
  currentSeq: number | null,
  direction: 1 | -1,
  drawable: (e: TraceEvent) => boolean,
): number | null {
  const steps = events.filter(drawable);
  if (steps.length === 0) return null;
  const at = currentSeq === null ? -1 : steps.findIndex((e) => e.seq === currentSeq);
  if (at === -1) return (direction === 1 ? steps[0] : steps[steps.length - 1])!.seq;
  const next = steps[Math.min(steps.length - 1, Math.max(0, at + direction))];
  return next!.seq;
}
