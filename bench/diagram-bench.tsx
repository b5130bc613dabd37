/**
 * Runs in Chromium (bench/run.ts drives it). Measures the sequence diagram:
 * first render of a long trace, the same window over a short and a very long
 * history (cost must follow what is visible), and frame work while ingesting
 * live events. Results land on `window.benchResult`.
 */
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { SequenceDiagram } from '../src/diagram/SequenceDiagram';
import { createTraceStore } from '../src/store/trace-store';
import { syntheticEvents, syntheticStream } from './synthetic-trace';

declare global {
  interface Window {
    benchResult?: unknown;
    benchError?: string;
  }
}

const params = new URLSearchParams(location.search);
const ingestSeconds = Number(params.get('seconds') ?? 30);
const ingestRate = Number(params.get('rate') ?? 200);

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
const p = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.ceil((q / 100) * sorted.length) - 1)]!
    : 0;
};

/** Mounts a diagram on a store holding `count` events and times it until the frame after it painted. */
async function firstRender(count: number): Promise<number> {
  const host = document.createElement('div');
  document.body.append(host);
  const events = syntheticEvents(count, 1_000_000, 50);
  const last = events[events.length - 1]!.t;
  const store = createTraceStore();
  const start = performance.now();
  store.load(events);
  const root = createRoot(host);
  flushSync(() => root.render(<SequenceDiagram store={store} now={() => last} />));
  await nextFrame();
  const elapsed = performance.now() - start;
  root.unmount();
  host.remove();
  return elapsed;
}

/** Appends `rate` events a second for `seconds`, recording React's work per commit and the frame intervals. */
async function ingest(seconds: number, rate: number, withDiagram: boolean) {
  const host = document.createElement('div');
  document.body.append(host);
  const store = createTraceStore();
  const intervals: number[] = [];
  /** The diagram's render + commit time per update (layout included), as the component reports it. */
  const work: number[] = [];
  const origin = performance.timeOrigin + performance.now();
  const stream = syntheticStream(origin, rate, 7);
  const root = createRoot(host);
  if (withDiagram) {
    root.render(<SequenceDiagram store={store} onRenderWork={(ms) => work.push(ms)} />);
  }
  const end = performance.now() + seconds * 1000;
  let previous = await nextFrame();
  let sent = 0;
  const began = performance.now();
  while (performance.now() < end) {
    const now = await nextFrame();
    intervals.push(now - previous);
    previous = now;
    const due = Math.floor(((now - began) / 1000) * rate);
    for (; sent < due; sent++) {
      const event = stream.next();
      store.append({ ...event, t: performance.timeOrigin + performance.now() });
    }
  }
  root.unmount();
  host.remove();
  return { events: sent, intervals, work };
}

async function main() {
  const small = await firstRender(100);
  const large = await firstRender(10_000);
  const huge = await firstRender(100_000);
  const baseline = await ingest(Math.min(5, ingestSeconds), ingestRate, false);
  const live = await ingest(ingestSeconds, ingestRate, true);
  window.benchResult = {
    firstRenderMs: { events100: small, events10k: large, events100k: huge },
    ingest: {
      seconds: ingestSeconds,
      rate: ingestRate,
      events: live.events,
      frames: live.work.length,
      workMsP50: p(live.work, 50),
      workMsP95: p(live.work, 95),
      workMsMax: Math.max(...live.work),
      droppedFrameShare:
        live.intervals.filter((ms) => ms > 20).length / Math.max(1, live.intervals.length),
      baselineDroppedFrameShare:
        baseline.intervals.filter((ms) => ms > 20).length / Math.max(1, baseline.intervals.length),
      frameIntervalP95: p(live.intervals, 95),
      baselineFrameIntervalP95: p(baseline.intervals, 95),
    },
  };
}

main().catch((error: unknown) => {
  window.benchError = error instanceof Error ? `${error.message}\n${error.stack}` : String(error);
});
