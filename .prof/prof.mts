import { syntheticEvents } from '/work/main/bench/synthetic-trace';
import { layoutSequence, LayoutCache } from '/work/main/src/diagram/layout';
import { TraceIndex } from '/work/main/src/diagram/trace-index';
const events = syntheticEvents(4000, 0, 200);
const index = new TraceIndex(events);
const cache = new LayoutCache();
const last = events.at(-1)!.t;
for (let i = 0; i < 200; i++) layoutSequence(index, { t0: last - 10000, t1: last, width: 676, height: 560, top: 48, now: last }, cache);
