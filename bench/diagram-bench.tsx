/**
 * Runs in Chromium (bench/run.ts drives it). Measures the sequence diagram in
 * both layouts (a row per step, time to scale): first render of a long trace,
 * frames while live events arrive (a synthetic 200 events a second, and a
 * class demo — three receivers, five messages a second), each against the
 * same page with no diagram, and how often it redraws when nothing happens.
 * Results land on `window.benchResult`.
 */
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { type TraceEventInput, INITIAL_VIEW, pause, type DiagramView } from '../src/core';
import { SequenceDiagram } from '../src/diagram/SequenceDiagram';
import type { DiagramMode } from '../src/diagram/shapes';
import { createTraceStore } from '../src/store/trace-store';
import { classDemoEvents, syntheticEvents, syntheticStream } from './synthetic-trace';

declare global {
  interface Window {
    benchResult?: unknown;
    benchError?: string;
  }
}

const params = new URLSearchParams(location.search);
const ingestSeconds = Number(params.get('seconds') ?? 20);
const ingestRate = 200;

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
const p = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil((q / 100) * sorted.length) - 1)]!
    : 0;
};
const viewOf = (mode: DiagramMode): DiagramView => ({ ...INITIAL_VIEW, mode });

/** Mounts a diagram on a store holding `count` events and times it until the frame after it painted. */
async function firstRender(count: number, mode: DiagramMode): Promise<number> {
  const host = document.createElement('div');
  document.body.append(host);
  const events = syntheticEvents(count, 1_000_000, 50);
  const last = events[events.length - 1]!.t;
  const store = createTraceStore();
  const start = performance.now();
  store.load(events);
  const root = createRoot(host);
  flushSync(() =>
    root.render(<SequenceDiagram store={store} now={() => last} view={viewOf(mode)} />),
  );
  await nextFrame();
  const elapsed = performance.now() - start;
  root.unmount();
  host.remove();
  return elapsed;
}

type Source = () => { due(elapsedMs: number): TraceEventInput[] };

/** 200 synthetic events a second: every technique at once. */
const synthetic: Source = () => {
  const stream = syntheticStream(0, ingestRate, 7);
  let sent = 0;
  return {
    due(elapsed) {
      const out: TraceEventInput[] = [];
      for (const target = Math.floor((elapsed / 1000) * ingestRate); sent < target; sent++)
        out.push(stream.next());
      return out;
    },
  };
};

/** Three receivers, five messages a second (short polling), as a class would watch it. */
const classDemo: Source = () => {
  const events = classDemoEvents(ingestSeconds + 5, 3);
  let at = 0;
  return {
    due(elapsed) {
      const out: TraceEventInput[] = [];
      while (at < events.length && events[at]!.t <= elapsed) out.push(events[at++]!);
      return out;
    },
  };
};

interface Ingest {
  events: number;
  frames: number;
  intervals: number[];
  work: number[];
  /** Renders in 2 s with no new events: following, then paused. */
  idleRenders: { following: number; paused: number };
}

/** Appends a source's events as they fall due for `seconds`, recording React's work per commit and the frame intervals. */
async function ingest(
  seconds: number,
  source: Source,
  mode: DiagramMode | null,
  actors?: string[],
): Promise<Ingest> {
  const host = document.createElement('div');
  document.body.append(host);
  const store = createTraceStore();
  const intervals: number[] = [];
  /** The diagram's render + commit time per update (layout included), as the component reports it. */
  const work: number[] = [];
  const root = createRoot(host);
  let view = mode === null ? null : viewOf(mode);
  const draw = () => {
    if (view)
      root.render(
        <SequenceDiagram
          store={store}
          view={view}
          width={720}
          height={560}
          onRenderWork={(ms) => work.push(ms)}
          {...(actors ? { actors } : {})}
        />,
      );
  };
  draw();
  const end = performance.now() + seconds * 1000;
  let previous = await nextFrame();
  let sent = 0;
  const began = performance.now();
  const feed = source();
  while (performance.now() < end) {
    const now = await nextFrame();
    intervals.push(now - previous);
    previous = now;
    for (const event of feed.due(now - began)) {
      store.append({ ...event, t: performance.timeOrigin + performance.now() });
      sent++;
    }
  }
  const idle = async (): Promise<number> => {
    const before = work.length;
    const until = performance.now() + 2000;
    while (performance.now() < until) await nextFrame();
    return work.length - before;
  };
  const following = view ? await idle() : 0;
  if (view) {
    const t = performance.timeOrigin + performance.now();
    view = pause(view, { t0: t - 10_000, t1: t });
    draw();
    await nextFrame();
  }
  const paused = view ? await idle() : 0;
  root.unmount();
  host.remove();
  return { events: sent, frames: work.length, intervals, work, idleRenders: { following, paused } };
}

function summary(live: Ingest, baseline: Ingest) {
  const over = (xs: number[]) => xs.filter((ms) => ms > 20).length / Math.max(1, xs.length);
  return {
    events: live.events,
    frames: live.frames,
    workMsP50: p(live.work, 50),
    workMsP95: p(live.work, 95),
    workMsMax: Math.max(0, ...live.work),
    droppedFrameShare: over(live.intervals),
    baselineDroppedFrameShare: over(baseline.intervals),
    frameIntervalP95: p(live.intervals, 95),
    baselineFrameIntervalP95: p(baseline.intervals, 95),
    idleRenders: live.idleRenders,
  };
}

async function main() {
  const firstRenderMs: Record<string, Record<string, number>> = {};
  for (const mode of ['rows', 'time'] as const) {
    firstRenderMs[mode] = {
      events100: await firstRender(100, mode),
      events10k: await firstRender(10_000, mode),
      events100k: await firstRender(100_000, mode),
    };
  }
  const cases: Record<string, ReturnType<typeof summary>> = {};
  const demoActors = ['alice', 'bob', 'carol', 'dave'];
  for (const [name, source, actors] of [
    ['synthetic 200 events/s', synthetic, undefined],
    ['class demo: 3 receivers, 5 messages/s', classDemo, demoActors],
  ] as const) {
    // The same page and the same events with no diagram, just before: the baseline.
    const baseline = await ingest(Math.min(5, ingestSeconds), source, null);
    for (const mode of ['rows', 'time'] as const) {
      const live = await ingest(ingestSeconds, source, mode, actors ? [...actors] : undefined);
      cases[`${name} · ${mode === 'rows' ? 'step per row' : 'time to scale'}`] = summary(
        live,
        baseline,
      );
    }
  }
  window.benchResult = { seconds: ingestSeconds, firstRenderMs, cases };
}

main().catch((error: unknown) => {
  window.benchError = error instanceof Error ? `${error.message}\n${error.stack}` : String(error);
});
