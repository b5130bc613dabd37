import { describe, expect, it } from 'vitest';
import { buildTrace, type StepSketch } from '../../core/trace-builder';
import { inspectStep } from '../../diagram/inspect';
import { layoutSequence } from '../../diagram/layout';
import { isSimulatedStep } from '../../core';
import { SERVER_ACTOR, TraceIndex } from '../../diagram/trace-index';
import { createTraceStore, traceStore } from '../../store/trace-store';
import { counterLines } from '../playground/Counters';
import { bytesCell } from '../playground/EventLog';
import { NEEDS_SERVER } from './needs-server';
import { traceSimulated } from './use-simulated';

const view = { t0: 0, t1: 1000, width: 600, height: 540, top: 40 };

/** Bob's request, and the server's record of it (simulated or not), then the answer both ways. */
function exchange(simulated: boolean | undefined): StepSketch[] {
  const server = {
    observer: 'server' as const,
    actor: SERVER_ACTOR,
    peer: 'bob',
    ...(simulated === undefined ? {} : { details: { simulated } }),
  };
  return [
    { kind: 'request', t: 0, dir: 'up', bytes: { header: 0, payload: 0 } },
    { kind: 'request', t: 1, dir: 'up', bytes: { header: 180, payload: 0 }, ...server },
    { kind: 'response', t: 2, dir: 'down', bytes: { header: 120, payload: 40 }, ...server },
    { kind: 'response', t: 3, dir: 'down', bytes: { header: 300, payload: 40 } },
  ];
}

const serverLane = (index: TraceIndex) =>
  layoutSequence(index, { ...view, actors: ['alice', 'bob'] }).lanes.find(
    (lane) => lane.actor === SERVER_ACTOR,
  )!;

describe('a simulated trace', () => {
  it('is told by its server steps: details.simulated === true on a server step, nothing else', () => {
    const [client, server] = buildTrace({}, ...exchange(true));
    expect(isSimulatedStep(server!)).toBe(true);
    expect(isSimulatedStep(client!)).toBe(false);
    const [, notSimulated] = buildTrace({}, ...exchange(false));
    expect(isSimulatedStep(notSimulated!)).toBe(false);
    // A client step that says so is still the browser's own.
    const [marked] = buildTrace({}, { kind: 'request', t: 0, details: { simulated: true } });
    expect(isSimulatedStep(marked!)).toBe(false);
  });

  it('labels the server lane as simulated, and a recorded live trace as it was', () => {
    expect(serverLane(new TraceIndex(buildTrace({}, ...exchange(true)))).label).toBe(
      'Server (simulated)',
    );
    expect(serverLane(new TraceIndex(buildTrace({}, ...exchange(undefined)))).label).toBe('Server');
    expect(serverLane(new TraceIndex(buildTrace({}, ...exchange(false)))).label).toBe('Server');
  });

  it('notices the simulation as its steps arrive, one at a time', () => {
    const index = new TraceIndex();
    const [first, second] = buildTrace({}, ...exchange(true));
    index.add(first!);
    expect(index.simulated).toBe(false);
    index.add(second!);
    expect(index.simulated).toBe(true);
  });

  it('says "simulated" beside its byte figures in the log and the inspector', () => {
    const events = buildTrace({}, ...exchange(true));
    const cell = bytesCell(events[2]!);
    expect(cell.text).toBe('160 sim.');
    expect(cell.title).toMatch(/^160 B, simulated \(headers 120 B, payload 40 B\): /);
    expect(bytesCell(events[3]!)).toEqual({
      text: '340',
      title: '340 B: headers 300 B, payload 40 B',
    });
    const index = new TraceIndex(events);
    const rows = new Map(inspectStep(index, 3, 0)!.rows);
    expect(rows.get('simulated (nothing on a wire)')).toBe('160 B = 120 B header + 40 B payload');
    expect(rows.has('on the wire (server’s count)')).toBe(false);
    const live = new Map(
      inspectStep(new TraceIndex(buildTrace({}, ...exchange(false))), 3, 0)!.rows,
    );
    expect(live.get('on the wire (server’s count)')).toBe('160 B = 120 B header + 40 B payload');
  });

  it('prints "needs the lab server" for the connections held of the six, in exports too', () => {
    const store = createTraceStore();
    const live = new Map(counterLines(store.getState().stats, null));
    expect(live.get('HTTP in use (of 6)')).toBe('0');
    const simulated = new Map(counterLines(store.getState().stats, null, true));
    expect(simulated.get('HTTP in use (of 6)')).toBe(NEEDS_SERVER);
    expect(simulated.get('HTTP requests')).toBe('0');
  });

  it('is the shown store’s own: a replayed offline recording is simulated wherever it plays', () => {
    const replay = createTraceStore();
    expect(traceSimulated(replay, false)).toBe(false);
    replay.load(buildTrace({}, ...exchange(true)));
    expect(traceSimulated(replay, false)).toBe(true);
    // A live recording replayed on a page that runs offline stays the recording's.
    const recorded = createTraceStore();
    recorded.load(buildTrace({}, ...exchange(false)));
    expect(traceSimulated(recorded, true)).toBe(false);
    // The live trace of a page running offline is simulated before its first server step.
    expect(traceSimulated(traceStore, true)).toBe(true);
    expect(traceSimulated(traceStore, false)).toBe(false);
  });
});
