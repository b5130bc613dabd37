import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../core';
import { advance, eventsAt, recordingSpan, sortByTime, stepPosition } from './replay';

const at = (t: number, seq: number): TraceEvent => ({
  seq,
  t,
  observer: 'client',
  actor: 'bob',
  technique: 'sse',
  conn: 'c',
  kind: 'sse-event',
  dir: 'down',
});
const events = sortByTime([at(1000, 0), at(1100, 1), at(1100, 2), at(1500, 3), at(1050, 4)]);

describe('replay', () => {
  it('measures the recording and sorts by time', () => {
    expect(recordingSpan(events)).toEqual({ start: 1000, duration: 500 });
    expect(events.map((e) => e.seq)).toEqual([0, 4, 1, 2, 3]);
    expect(recordingSpan([])).toEqual({ start: 0, duration: 0 });
  });
  it('counts the events that have happened by a position', () => {
    expect(eventsAt(events, 1000, -1)).toBe(0);
    expect(eventsAt(events, 1000, 0)).toBe(1);
    expect(eventsAt(events, 1000, 99)).toBe(2);
    expect(eventsAt(events, 1000, 100)).toBe(4);
    expect(eventsAt(events, 1000, 500)).toBe(5);
  });
  it('advances at the chosen speed and stops at the end', () => {
    expect(advance({ position: 0, speed: 0.25, playing: true }, 100, 500)).toEqual({
      position: 25,
      speed: 0.25,
      playing: true,
    });
    expect(advance({ position: 0, speed: 4, playing: true }, 100, 500)).toEqual({
      position: 400,
      speed: 4,
      playing: true,
    });
    expect(advance({ position: 400, speed: 4, playing: true }, 100, 500)).toEqual({
      position: 500,
      speed: 4,
      playing: false,
    });
    expect(advance({ position: 10, speed: 1, playing: false }, 100, 500).position).toBe(10);
  });
  it('steps one event at a time, both ways', () => {
    expect(stepPosition(events, 1000, 0, 1)).toBe(50);
    expect(stepPosition(events, 1000, 50, 1)).toBe(100);
    expect(stepPosition(events, 1000, 100, 1)).toBe(500);
    expect(stepPosition(events, 1000, 500, 1)).toBe(500);
    expect(stepPosition(events, 1000, 500, -1)).toBe(100);
    expect(stepPosition(events, 1000, 50, -1)).toBe(0);
  });
});
