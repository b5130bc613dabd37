import { describe, expect, it } from 'vitest';
import { seededRandom, type TraceEvent, type TraceEventInput } from '../core';
import { estimateWidth, labelBox, type Box } from './labels';
import { LayoutCache, layoutSequence, type SequenceLayout } from './layout';
import type { PlacedLabel } from './shapes';
import { SERVER_ACTOR, TraceIndex } from './trace-index';

/**
 * A busy short-polling class demo: Alice sends 5 messages a second at random,
 * three receivers poll every second, and the server reboots halfway through
 * (every poll refused, waits, reconnects).
 */
function busyRun(seconds: number, seed: number): TraceEvent[] {
  const random = seededRandom(seed);
  const out: TraceEventInput[] = [];
  const receivers = ['bob', 'carol', 'dave'];
  let id = 0;
  const client = (actor: string, e: Omit<TraceEventInput, 'observer' | 'actor'>) =>
    out.push({ observer: 'client', actor, ...e });
  const server = (peer: string, e: Omit<TraceEventInput, 'observer' | 'actor' | 'peer'>) =>
    out.push({ observer: 'server', actor: SERVER_ACTOR, peer, ...e });
  const downFrom = seconds * 500;
  const downTo = downFrom + 3000;
  out.push({
    observer: 'server',
    actor: SERVER_ACTOR,
    technique: null,
    conn: 'faults',
    kind: 'fault',
    dir: 'none',
    t: downFrom,
    details: { fault: 'restart', delayMs: 3000, note: 'server rebooted, down for 3 s' },
  });
  for (let t = 0; t < seconds * 1000; t += -Math.log(1 - random()) * 200) {
    if (t >= downFrom && t < downTo) continue;
    const conn = `alice-publish-${++id}`;
    const technique = 'short-poll' as const;
    client('alice', {
      technique,
      conn,
      kind: 'request',
      dir: 'up',
      t,
      details: { method: 'POST' },
    });
    server('alice', { technique, conn, kind: 'publish', dir: 'none', t: t + 2, messageIds: [id] });
    client('alice', {
      technique,
      conn,
      kind: 'response',
      dir: 'down',
      t: t + 4,
      messageIds: [id],
      details: { status: 201 },
    });
  }
  receivers.forEach((actor, r) => {
    let n = 0;
    for (let t = 137 * r; t < seconds * 1000; t += 1000) {
      const conn = `${actor}-short-poll-${++n}`;
      const technique = 'short-poll' as const;
      client(actor, {
        technique,
        conn,
        kind: 'request',
        dir: 'up',
        t,
        details: { method: 'GET', url: `/api/channels/lobby/messages?since=${300 + n * 5}` },
      });
      if (t >= downFrom && t < downTo) {
        client(actor, {
          technique,
          conn,
          kind: 'response',
          dir: 'down',
          t: t + 3,
          details: { status: 503, errorCode: 'RL_ERR_UNAVAILABLE' },
        });
        client(actor, {
          technique,
          conn,
          kind: 'error',
          dir: 'none',
          t: t + 4,
          details: { error: 'the server is restarting: try again shortly' },
        });
        client(actor, {
          technique,
          conn,
          kind: 'reconnect-wait',
          dir: 'none',
          t: t + 5,
          details: { delayMs: 400 + 500 * random() },
        });
        client(actor, { technique, conn, kind: 'reconnect', dir: 'none', t: t + 900 });
        continue;
      }
      const ids = [1, 2, 3, 4, 5].map((k) => n * 5 + k);
      client(actor, {
        technique,
        conn,
        kind: 'response',
        dir: 'down',
        t: t + 6,
        empty: false,
        messageIds: ids,
        details: { status: 200 },
      });
      for (const i of ids)
        client(actor, { technique, conn, kind: 'deliver', dir: 'none', t: t + 7, messageIds: [i] });
    }
  });
  return out.sort((a, b) => a.t - b.t).map((event, seq) => ({ ...event, seq }));
}

/** Every label the layout decided to draw, with the box its text covers. */
function drawnBoxes(layout: SequenceLayout): Array<{ text: string; box: Box }> {
  const placed: PlacedLabel[] = [
    ...layout.arrows.map((a) => a.placed),
    ...layout.marks.map((m) => m.placed),
    ...layout.bands.map((b) => b.placed),
    ...layout.bars.map((b) => b.placed),
  ].filter((p): p is PlacedLabel => p !== null);
  const fixed = layout.ticks.map((tick): PlacedLabel => ({
    text: tick.label,
    x: 4,
    y: tick.y - 3,
    anchor: 'start',
    fontSize: 10,
  }));
  return [...placed, ...fixed].map((p) => ({
    text: p.text,
    box: labelBox(p, estimateWidth(p.text, p.fontSize)),
  }));
}

function overlapping(boxes: Array<{ text: string; box: Box }>): string[] {
  const found: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!.box;
      const b = boxes[j]!.box;
      if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1)
        found.push(`${boxes[i]!.text} ⨯ ${boxes[j]!.text}`);
    }
  return found;
}

const actors = ['alice', 'bob', 'carol', 'dave'];

describe('legibility at a class demo rate', () => {
  const events = busyRun(20, 7);
  const index = new TraceIndex(events);

  it('no two labels overlap in the time view, at any window and zoom', () => {
    for (const span of [2000, 10_000, 20_000]) {
      for (let end = span; end <= 20_000; end += span / 2) {
        const layout = layoutSequence(index, {
          t0: end - span,
          t1: end,
          width: 900,
          height: 560,
          top: 48,
          actors,
        });
        const boxes = drawnBoxes(layout);
        expect(overlapping(boxes), `span ${span} ending ${end}`).toEqual([]);
        // Nor does any run off the drawing's edge, where it would be cut.
        expect(boxes.filter(({ box }) => box.x0 < 0 || box.x1 > 900).map((b) => b.text)).toEqual(
          [],
        );
      }
    }
  });

  it('no two labels overlap in the rows view, and every step there has its label', () => {
    const cache = new LayoutCache();
    const total = cache.rows(index, { receiversOnly: false, sender: 'alice' }).total;
    for (let first = 0; first < total; first += 11) {
      const layout = layoutSequence(
        index,
        { mode: 'rows', firstRow: first, t0: 0, t1: 0, width: 900, height: 560, top: 48, actors },
        cache,
      );
      expect(overlapping(drawnBoxes(layout)), `from row ${first}`).toEqual([]);
      expect(layout.arrows.filter((a) => a.placed === null).map((a) => a.label)).toEqual([]);
    }
  });

  it('a narrow screen hides what does not fit rather than overprinting it', () => {
    const layout = layoutSequence(index, { t0: 8000, t1: 14_000, width: 360, height: 560, actors });
    expect(overlapping(drawnBoxes(layout))).toEqual([]);
    expect(layout.arrows.some((a) => a.placed === null)).toBe(true);
  });
});
