import { useState } from 'react';
import { setupOf, TECHNIQUE_LABELS, type TraceEvent } from '../../core';
import { isSimulatedStep } from '../../core';
import type { TraceStore } from '../../store/trace-store';
import { SIMULATED_BYTES_NOTE } from '../offline/needs-server';
import { useTrace } from './store-hooks';

/** Two lines a row: the step, then its details at the log's full width. */
const ROW_HEIGHT = 34;
const VISIBLE_ROWS = 10;
const OVERSCAN = 4;

function describe(event: TraceEvent): string {
  const d = event.details ?? {};
  const setup = setupOf(event);
  if (setup) return `run begins (${setup.reason}): ${TECHNIQUE_LABELS[setup.technique]}`;
  const parts: string[] = [];
  if (d.method) parts.push(`${d.method} ${(d.url ?? '').replace(/^https?:\/\/[^/]+/, '')}`);
  if (d.status !== undefined) parts.push(String(d.status));
  if (event.empty) parts.push('empty');
  if (event.messageIds?.length) parts.push(`#${event.messageIds.join(', #')}`);
  if (d.closeCode !== undefined) parts.push(`code ${d.closeCode}`);
  if (d.delayMs !== undefined) parts.push(`${Math.round(d.delayMs)} ms`);
  if (d.error) parts.push(d.error);
  // Why a connection was closed on purpose (a changed knob, stop()).
  if (event.kind === 'close' && d.note) parts.push(d.note);
  return parts.join(' · ');
}

/**
 * Bytes of a step, as text and a title saying what the number is. A request
 * the browser sends has no header size the page can see (fetch and EventSource
 * do not report it): its cell shows the body and says the headers are not
 * known, or stays blank with a title when nothing is known — the server's row
 * (server↔…) has the bytes it counted on its socket. The offline simulation's
 * rows say their bytes are simulated.
 */
export function bytesCell(event: TraceEvent): { text: string; title?: string } {
  if (!event.bytes) return { text: '' };
  const total = event.bytes.header + event.bytes.payload;
  if (event.observer === 'client' && event.dir === 'up' && event.bytes.header === 0) {
    const where =
      'the browser does not report the size of the headers it sends; the server’s row for this request has the bytes it counted';
    return total === 0
      ? { text: '', title: `Size not known here: ${where}.` }
      : { text: `${total} + hdrs`, title: `${total} B of body; ${where}.` };
  }
  const split = `headers ${event.bytes.header} B, payload ${event.bytes.payload} B`;
  if (isSimulatedStep(event))
    return {
      text: `${total} sim.`,
      title: `${total} B, simulated (${split}): ${SIMULATED_BYTES_NOTE}.`,
    };
  return { text: String(total), title: `${total} B: ${split}` };
}

/**
 * Every trace step, newest first. Only the rows in view are in the DOM (a fixed
 * row height makes the window a division), so thousands of rows cost what
 * fourteen do.
 */
export function EventLog({
  store,
  onInspect,
}: {
  store?: TraceStore;
  onInspect?: (seq: number) => void;
}) {
  const { events } = useTrace(store);
  const [scrollTop, setScrollTop] = useState(0);
  const total = events.length;
  const origin = events[0]?.t ?? 0;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, first + VISIBLE_ROWS + OVERSCAN * 2);
  const rows: TraceEvent[] = [];
  for (let i = first; i < last; i++) rows.push(events[total - 1 - i]!);
  return (
    <section
      className="event-log"
      aria-label="Event log"
      data-testid="event-log"
      data-count={total}
    >
      <h2>
        Event log <span className="event-log__count">{total} steps</span>
      </h2>
      <div className="event-log__header" aria-hidden="true">
        <span>ms</span>
        <span>who</span>
        <span>step</span>
        <span>dir</span>
        <span>bytes</span>
      </div>
      <div
        className="event-log__viewport"
        style={{ height: ROW_HEIGHT * VISIBLE_ROWS }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        tabIndex={0}
      >
        <ol style={{ height: total * ROW_HEIGHT, position: 'relative' }}>
          {rows.map((event, i) => {
            const bytes = bytesCell(event);
            const details = describe(event);
            return (
              <li
                key={event.seq}
                className={`event-log__row event-log__row--${event.observer}`}
                style={{ top: (first + i) * ROW_HEIGHT, height: ROW_HEIGHT }}
                data-kind={event.kind}
                data-dir={event.dir}
                data-observer={event.observer}
                onClick={() => onInspect?.(event.seq)}
              >
                <span>{Math.round(event.t - origin)}</span>
                <span>
                  {event.observer === 'server' ? `server↔${event.peer ?? '?'}` : event.actor}
                </span>
                <span>{event.kind}</span>
                <span>{event.dir === 'up' ? '↑' : event.dir === 'down' ? '↓' : ''}</span>
                <span className="event-log__bytes" {...(bytes.title ? { title: bytes.title } : {})}>
                  {bytes.text}
                </span>
                <span className="event-log__details" title={details}>
                  {details}
                </span>
              </li>
            );
          })}
        </ol>
      </div>
    </section>
  );
}
