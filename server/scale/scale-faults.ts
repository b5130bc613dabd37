/**
 * The Scaling lab's fault steps (protocol.md, "Scaling lab"): a gateway killed
 * and restarted, added and removed, the broker down and up, off and on — each one `fault`
 * step on the main lab's observer stream, conn `scale-fault`, a band on the
 * diagram from its `start` to its `end` (added and removed are instants).
 */
import { traceClock, type TraceDetails } from '../../src/core';
import type { TraceSink } from '../observer-stream';

export type ScaleFault =
  | 'gateway-killed'
  | 'gateway-restarted'
  | 'gateway-added'
  | 'gateway-removed'
  | 'broker-down'
  | 'broker-up'
  | 'broker-off'
  | 'broker-on';

/** The conn every scale fault step carries. */
export const SCALE_FAULT_CONN = 'scale-fault';

const PHASE: Partial<Record<ScaleFault, TraceDetails['faultPhase']>> = {
  'gateway-killed': 'start',
  'gateway-restarted': 'end',
  'broker-down': 'start',
  'broker-up': 'end',
  'broker-off': 'start',
  'broker-on': 'end',
};

/** Records one scale fault by `actor` (the gateway, or `broker`); nothing while nobody watches. */
export function recordScaleFault(
  sink: TraceSink | undefined,
  actor: string,
  fault: ScaleFault,
  note: string,
): void {
  if (sink?.active !== true) return;
  const phase = PHASE[fault];
  sink.forward({
    t: traceClock(),
    observer: 'server',
    actor,
    technique: null,
    conn: SCALE_FAULT_CONN,
    kind: 'fault',
    dir: 'none',
    details: { fault, note, ...(phase === undefined ? {} : { faultPhase: phase }) },
  });
}
