/**
 * The reconnection-storm experiment's public face (`POST /api/storm`), one
 * module per part: its bounds and bodies (storm-schemas.ts), the histogram
 * (storm-histogram.ts), the simulation (storm-run.ts), the worker thread it
 * runs in (storm-worker.ts) and the route (storm-route.ts). Importing it
 * starts nothing.
 */
export { STORM_DEFAULTS, STORM_LIMITS, StormBody, StormResponse } from './storm-schemas';
export { binArrivals, busiestWindow } from './storm-histogram';
export { runStorm, runStorms } from './storm-run';
export { runStormsInWorker } from './storm-worker';
export { stormPlugin } from './storm-route';
