import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../core';
import { bytesCell } from './EventLog';

const step = (patch: Partial<TraceEvent>): TraceEvent => ({
  seq: 1,
  t: 0,
  observer: 'client',
  actor: 'bob',
  technique: 'short-poll',
  conn: 'bob-1',
  kind: 'request',
  dir: 'up',
  ...patch,
});

describe('the event log’s byte cells', () => {
  it('never print a bare "?": an unknown size is blank with a title that says why', () => {
    const cell = bytesCell(step({ bytes: { header: 0, payload: 0 } }));
    expect(cell.text).toBe('');
    expect(cell.title).toMatch(/^Size not known here: the browser does not report/);
  });

  it('show a request body the browser knows, and say its headers are not known', () => {
    const cell = bytesCell(step({ bytes: { header: 0, payload: 60 } }));
    expect(cell.text).toBe('60 + hdrs');
    expect(cell.title).toMatch(/^60 B of body;/);
  });

  it('show a known size as a number, headers and payload in the title', () => {
    const cell = bytesCell(
      step({ dir: 'down', kind: 'response', bytes: { header: 300, payload: 26 } }),
    );
    expect(cell).toEqual({ text: '326', title: '326 B: headers 300 B, payload 26 B' });
    expect(bytesCell(step({}))).toEqual({ text: '' });
  });
});
