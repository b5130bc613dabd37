import { describe, expect, it } from 'vitest';
import { buildTrace } from '../core/trace-builder';
import { followRowsPage, GAP_MS, RowIndex } from './rows';

const everything = () => true;

describe('RowIndex', () => {
  it('gives every step a row in time order, and folds a long idle stretch into one gap row', () => {
    const log = buildTrace(
      {},
      { kind: 'request', t: 0 },
      { kind: 'response', t: 10 },
      { kind: 'request', t: 10 + GAP_MS + 1 },
      { kind: 'response', t: 20 + GAP_MS },
    );
    const rows = new RowIndex(everything);
    rows.catchUp(log);
    expect(rows.total).toBe(5);
    expect(rows.rows(0, 10).map((r) => [r.kind, r.row])).toEqual([
      ['step', 0],
      ['step', 1],
      ['gap', 2],
      ['step', 3],
      ['step', 4],
    ]);
    expect(rows.rows(2, 1)).toEqual([{ kind: 'gap', row: 2, t: 10, until: 11 + GAP_MS }]);
    expect(rows.rowAt(11 + GAP_MS)).toBe(2);
    expect(rows.timeOfRow(3)).toBe(11 + GAP_MS);
  });

  it('puts a late server step where its time belongs and renumbers what follows', () => {
    const log = buildTrace({}, { kind: 'request', t: 0 }, { kind: 'response', t: 100 });
    const rows = new RowIndex(everything);
    rows.catchUp(log);
    log.push({ ...log[0]!, seq: 2, t: 50, kind: 'publish', observer: 'server' });
    rows.catchUp(log);
    expect(rows.rows(0, 5).map((r) => r.t)).toEqual([0, 50, 100]);
  });

  it('starts again on a new log, and keeps only the steps it is told are rows', () => {
    const rows = new RowIndex((e) => e.kind !== 'hold');
    rows.catchUp(buildTrace({}, { kind: 'request', t: 0 }, { kind: 'hold', t: 1 }));
    expect(rows.total).toBe(1);
    rows.catchUp(buildTrace({}, { kind: 'request', t: 5 }, { kind: 'response', t: 6 }));
    expect(rows.rows(0, 5).map((r) => r.t)).toEqual([5, 6]);
  });
});

describe('bursts', () => {
  it('gives the receipts of one answer one row, and one mark saying which messages', async () => {
    const { layoutSequence, LayoutCache } = await import('./layout');
    const { TraceIndex } = await import('./trace-index');
    const log = buildTrace(
      { conn: 'bob-short-poll-3' },
      {
        kind: 'response',
        t: 0,
        dir: 'down',
        empty: false,
        messageIds: [4, 5, 6],
        details: { status: 200 },
      },
      { kind: 'deliver', t: 1, messageIds: [4] },
      { kind: 'deliver', t: 1, messageIds: [5] },
      { kind: 'deliver', t: 1.5, messageIds: [6] },
      { kind: 'deliver', t: 40, messageIds: [7] },
    );
    const rows = new RowIndex(everything);
    rows.catchUp(log);
    expect(rows.total).toBe(3);
    expect(rows.rows(0, 3).map((r) => (r.kind === 'step' ? r.events.length : 0))).toEqual([
      1, 3, 1,
    ]);
    const layout = layoutSequence(
      new TraceIndex(log),
      { mode: 'rows', t0: 0, t1: 0, width: 600, height: 400 },
      new LayoutCache(),
    );
    expect(layout.marks.map((m) => m.label)).toEqual(['#4–#6 (3)', '#7']);
    const time = layoutSequence(new TraceIndex(log), { t0: 0, t1: 100, width: 600, height: 400 });
    expect(time.marks.map((m) => m.label)).toEqual(['#4–#6 (3)', '#7']);
  });
});

describe('followRowsPage', () => {
  it('holds still while rows fill the view, then moves half a view at a time', () => {
    expect(followRowsPage(0, 20)).toBe(0);
    expect(followRowsPage(18, 20)).toBe(0);
    expect(followRowsPage(19, 20)).toBe(10);
    expect(followRowsPage(28, 20)).toBe(10);
    expect(followRowsPage(29, 20)).toBe(20);
  });
});
