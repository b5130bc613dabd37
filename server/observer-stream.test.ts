import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { TraceEventInput } from '../src/core';
import { ObserverStream, type TraceSink } from './observer-stream';

function sink(): TraceSink & { events: TraceEventInput[]; active: boolean } {
  const events: TraceEventInput[] = [];
  return { active: false, events, forward: (event) => events.push(event) };
}

/** A stand-in observer socket: open, and keeping what it was sent. */
function socket(): WebSocket & { sent: string[] } {
  const sent: string[] = [];
  return { OPEN: 1, readyState: 1, sent, send: (frame: string) => sent.push(frame) } as never;
}

describe('ObserverStream forwarding', () => {
  it('is active while a sink it forwards to is, and sends its steps there unchanged', () => {
    const gateway = new ObserverStream('gateway-1');
    const main = sink();
    const stop = gateway.forwardTo(main);
    let built = 0;
    const fields = () => {
      built += 1;
      return { messageIds: [1] };
    };
    gateway.record({ technique: 'sse', conn: 's-1', peer: 'bob' }, 'sse-event', 'down', fields);
    expect(gateway.active).toBe(false);
    expect(built).toBe(0);

    main.active = true;
    expect(gateway.active).toBe(true);
    expect(gateway.size).toBe(0);
    gateway.record({ technique: 'sse', conn: 's-1', peer: 'bob' }, 'sse-event', 'down', fields);
    expect(built).toBe(1);
    expect(main.events).toEqual([
      expect.objectContaining({
        observer: 'server',
        actor: 'gateway-1',
        peer: 'bob',
        conn: 's-1',
        kind: 'sse-event',
        messageIds: [1],
      }),
    ]);

    stop();
    expect(gateway.active).toBe(false);
  });

  it('forwards a finished step with its own time, to its sockets and active sinks', () => {
    const main = new ObserverStream('server-1');
    const watcher = socket();
    main.add(watcher);
    const step: TraceEventInput = {
      t: 1234.5,
      observer: 'broker',
      actor: 'broker',
      technique: null,
      conn: 'broker:lobby',
      kind: 'publish',
      dir: 'up',
    };
    main.forward(step);
    expect(watcher.sent.map((frame) => JSON.parse(frame) as unknown)).toEqual([
      { type: 'trace', event: step },
    ]);
  });
});
