/**
 * What offline mode says where a figure or an experiment cannot be honest in
 * the simulation: it runs in this tab, on this page's clock, and answers
 * without opening a single connection.
 */

/** The words in place of a figure. */
export const NEEDS_SERVER = 'needs the lab server';

/** Why, for each place that says it. */
export const NEEDS_SERVER_WHY = {
  httpInUse:
    'the simulation in this tab answers without opening connections, so none of the browser’s 6 per host is held',
  clock:
    'Server clock: needs the lab server — the simulated server runs on this page’s clock, so there is no offset to measure.',
  budget:
    'This lesson needs the lab server: the simulation in this tab opens no real connections, so the browser’s limit of six never comes into play.',
  storm:
    'This lesson needs the lab server: it plays hundreds of real TCP clients against a listener of its own, which a page cannot do.',
  load: 'This lesson needs the lab server: it shows what a real server’s memory and sockets measured, and its live measurement starts real server and client processes, which a page cannot do.',
  scale:
    'The Scaling lab needs the lab server: its gateways, balancer and broker are real servers on ports of their own, which a static page cannot start.',
  compareBudget:
    'This meter needs the lab server: the simulation in this tab opens no real connections, so none of the six is held.',
} as const;

/** Bytes the simulation worked out for a step: nothing crossed a wire. */
export const SIMULATED_BYTES_NOTE =
  'worked out by the simulation in this tab from what the step carried: nothing crossed a wire';
