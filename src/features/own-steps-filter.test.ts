import { describe, expect, it } from 'vitest';
import type { TraceEventInput } from '../core';
import { ownStepsFilter as pageShare } from './own-steps-filter';

const step = (partial: Partial<TraceEventInput>): TraceEventInput => ({
  t: 0,
  observer: 'server',
  actor: 'server-1',
  technique: 'sse',
  conn: 'c',
  kind: 'request',
  dir: 'up',
  ...partial,
});

describe("the page's share of the observer stream", () => {
  it('keeps server steps of connections the page opened or adopted, and faults', () => {
    const kept: TraceEventInput[] = [];
    const share = pageShare({ append: (e) => kept.push(e) });
    share.append(step({ conn: 'bob-sse-1' })); // before the page opened it: someone else's
    share.append(step({ observer: 'client', actor: 'bob', conn: 'bob-sse-1' }));
    share.append(step({ conn: 'bob-sse-1', kind: 'sse-open' }));
    share.append(step({ conn: 'other-page-1' }));
    share.append(step({ conn: 'schedule-1', kind: 'publish', technique: null }));
    share.adopt('schedule-1');
    share.append(step({ conn: 'schedule-1', kind: 'publish', technique: null }));
    share.append(step({ conn: 'faults', kind: 'fault', technique: null }));
    expect(kept.map((e) => `${e.observer}:${e.conn}:${e.kind}`)).toEqual([
      'client:bob-sse-1:request',
      'server:bob-sse-1:sse-open',
      'server:schedule-1:publish',
      'server:faults:fault',
    ]);
  });
});
