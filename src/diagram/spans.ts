import type { Technique, TraceEvent, TraceKind } from '../core';
import { byStart } from './bisect';

/**
 * A span is something that lasts: an HTTP request in flight (held, for a long
 * poll), an open SSE stream, an open WebSocket. Spans are derived from the
 * client's view of the trace, from their opening step to their closing step.
 */
export type SpanKind = 'request' | 'sse' | 'ws';

export interface Span {
  conn: string;
  actor: string;
  technique: Technique | null;
  kind: SpanKind;
  start: number;
  /** When it ended; null while it is still open. */
  end: number | null;
  startSeq: number;
  endSeq: number | null;
  /** The step that ended it (`response`, `close`, `error`, …). */
  endKind: TraceKind | null;
  /** A long poll's requested timeout, in ms, to mark on the bar. */
  timeoutMs?: number;
  /** A request whose response carried nothing. */
  empty?: boolean;
  /** The response status, for a request. */
  status?: number;
}

const ENDS: ReadonlySet<TraceKind> = new Set(['response', 'close', 'error']);

/**
 * Builds spans as events arrive (O(1) per event) and answers "which spans touch
 * this time window" without reading the whole history: spans are kept in start
 * order, and the longest finished span bounds how far back a search must look.
 */
export class SpanIndex {
  private readonly spans: Span[] = [];
  private readonly openByConn = new Map<string, Span>();
  private longest = 0;

  add(event: TraceEvent): void {
    if (event.observer !== 'client') return;
    const open = this.openByConn.get(event.conn);
    switch (event.kind) {
      case 'request': {
        if (open) return;
        // A publish (a POST, whatever the technique) is a plain request, not a stream.
        const kind: SpanKind =
          event.details?.method === 'POST'
            ? 'request'
            : event.technique === 'sse'
              ? 'sse'
              : event.technique === 'websocket'
                ? 'ws'
                : 'request';
        // An SSE or WebSocket request becomes a stream span once it opens; until then it is a request.
        this.open(event, kind);
        const span = this.openByConn.get(event.conn)!;
        if (event.details?.timeoutMs !== undefined) span.timeoutMs = event.details.timeoutMs;
        return;
      }
      case 'sse-open':
      case 'ws-open':
        if (!open) this.open(event, event.kind === 'sse-open' ? 'sse' : 'ws');
        return;
      default:
        if (!open || !ENDS.has(event.kind)) return;
        // A WebSocket upgrade answered by `response` (a refusal) ends it; an SSE
        // `response` never comes — its stream ends by close or error.
        open.end = event.t;
        open.endSeq = event.seq;
        open.endKind = event.kind;
        if (event.empty !== undefined) open.empty = event.empty;
        if (event.details?.status !== undefined) open.status = event.details.status;
        this.openByConn.delete(event.conn);
        this.longest = Math.max(this.longest, open.end - open.start);
    }
  }

  private open(event: TraceEvent, kind: SpanKind): void {
    const span: Span = {
      conn: event.conn,
      actor: event.actor,
      technique: event.technique,
      kind,
      start: event.t,
      end: null,
      startSeq: event.seq,
      endSeq: null,
      endKind: null,
    };
    this.spans.push(span);
    this.openByConn.set(event.conn, span);
  }

  get size(): number {
    return this.spans.length;
  }

  /** Spans that overlap [t0, t1], in start order. */
  overlapping(t0: number, t1: number): Span[] {
    const out: Span[] = [];
    // First span that starts after t1; everything before it may overlap.
    let hi = byStart.right(this.spans, t1);
    const earliest = t0 - this.longest;
    while (hi > 0) {
      const span = this.spans[--hi]!;
      if (span.end !== null && span.start < earliest) break;
      if (span.end === null || span.end >= t0) out.push(span);
    }
    // Spans still open that started before `earliest` are not reached by the scan.
    for (const span of this.openByConn.values())
      if (span.start < earliest && !out.includes(span)) out.push(span);
    return out.sort((a, b) => a.start - b.start || a.startSeq - b.startSeq);
  }
}
