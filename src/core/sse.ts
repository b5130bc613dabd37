/**
 * The text/event-stream format (WHATWG HTML, "Server-sent events"): an event is
 * lines of `field: value` ended by a blank line; a line starting with ":" is a
 * comment; `retry:` sets the client's reconnection delay in ms.
 */
export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
  retry?: number;
}

export function encodeSseEvent(event: SseEvent): string {
  let out = '';
  if (event.id !== undefined) out += `id: ${singleLine(event.id, 'id')}\n`;
  if (event.event !== undefined) out += `event: ${singleLine(event.event, 'event')}\n`;
  if (event.retry !== undefined) out += `retry: ${Math.max(0, Math.floor(event.retry))}\n`;
  for (const line of event.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

export function encodeSseRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}

export function encodeSseComment(text: string): string {
  return `: ${text.replace(/\r\n|\r|\n/g, ' ')}\n\n`;
}

function singleLine(value: string, field: string): string {
  if (/[\r\n\0]/.test(value)) throw new Error(`an SSE ${field} cannot contain a line break or NUL`);
  return value;
}

/** One dispatched item of a parsed stream: an event, a retry change, or a comment. */
export type SseItem =
  | { kind: 'event'; id: string; event: string; data: string }
  | { kind: 'retry'; retry: number }
  | { kind: 'comment'; text: string };

/**
 * An incremental parser following the spec's algorithm: feed it chunks as they
 * arrive, it returns what each chunk completed. Used by tests and by the
 * offline mocks; the browser's EventSource does this itself.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private eventType = '';
  private lastEventId = '';
  private sawData = false;

  feed(chunk: string): SseItem[] {
    this.buffer += chunk;
    const items: SseItem[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A lone "\r" at the very end might be the first half of "\r\n": wait for more.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line, items);
    }
    return items;
  }

  private line(line: string, items: SseItem[]): void {
    if (line === '') {
      if (this.sawData) {
        items.push({
          kind: 'event',
          id: this.lastEventId,
          event: this.eventType || 'message',
          data: this.data.join('\n'),
        });
      }
      this.data = [];
      this.eventType = '';
      this.sawData = false;
      return;
    }
    if (line.startsWith(':')) {
      items.push({ kind: 'comment', text: line.slice(1).replace(/^ /, '') });
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') {
      this.data.push(value);
      this.sawData = true;
    } else if (field === 'event') this.eventType = value;
    else if (field === 'id') {
      if (!value.includes('\0')) this.lastEventId = value;
    } else if (field === 'retry' && /^\d+$/.test(value))
      items.push({ kind: 'retry', retry: Number(value) });
  }
}

/** Bytes of HTTP/1.1 chunk framing around a chunk of `length` bytes: hex size, CRLF, CRLF. */
export function chunkFramingBytes(length: number): number {
  return length.toString(16).length + 4;
}
