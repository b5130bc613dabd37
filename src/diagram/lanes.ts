import { estimateWidth } from './labels';
import { scaleLaneTitle } from './scale';
import type { Lane } from './shapes';
import { SERVER_ACTOR } from './trace-index';

/** The first pass of the layout: where each lane goes, and where each client's connections sit. */

export const BAR_WIDTH = 8;
const LANE_MARGIN = 70;

/** Where one client's connections are drawn: a column beside the server's lifeline, on the client's side. */
export interface Column {
  side: 1 | -1;
  column: number;
  x: number;
}

export interface LanePlacement {
  lanes: Lane[];
  actors: string[];
  laneX: ReadonlyMap<string, number>;
  /** The lane the participants talk to: the server, or the Scaling lab's balancer. */
  server: string;
  serverX: number;
  /** The server-like lanes (the server; the balancer, gateways and broker). */
  servers: ReadonlySet<string>;
  /** The column of a participant's connections beside the server's lifeline. */
  columnOf(actor: string): Column;
  /** The same, beside another server lane's lifeline (a gateway's). */
  columnBeside(actor: string, server: string): Column;
}

/**
 * The participants in lane order: the first (the sender) left of the server,
 * the rest to its right. With the Scaling lab's server lanes (balancer,
 * gateways, broker), the participants come first, then those lanes.
 */
export function laneOrder(
  known: readonly string[],
  preferred: readonly string[] | undefined,
  servers: readonly string[] = [],
): string[] {
  const clients = [...(preferred ?? [])];
  for (const actor of known) if (!clients.includes(actor)) clients.push(actor);
  if (servers.length > 0) return [...clients, ...servers];
  if (clients.length === 0) return [SERVER_ACTOR];
  return [clients[0]!, SERVER_ACTOR, ...clients.slice(1)];
}

/** A lane's name; the server's says so when the trace's server steps are the offline simulation's. */
export function laneTitle(actor: string, simulated = false): string {
  if (actor === SERVER_ACTOR) return simulated ? 'Server (simulated)' : 'Server';
  return scaleLaneTitle(actor);
}

export function placeLanes(
  known: readonly string[],
  preferred: readonly string[] | undefined,
  width: number,
  scaleServers: readonly string[] = [],
  simulated = false,
): LanePlacement {
  const actors = laneOrder(known, preferred, scaleServers);
  const servers = new Set(scaleServers.length > 0 ? scaleServers : [SERVER_ACTOR]);
  const server = scaleServers[0] ?? SERVER_ACTOR;
  const span = Math.max(1, actors.length - 1);
  const lanes: Lane[] = actors.map((actor, i) => ({
    actor,
    label: laneTitle(actor, simulated),
    role: servers.has(actor) ? 'server' : 'client',
    x: actors.length === 1 ? width / 2 : LANE_MARGIN + ((width - 2 * LANE_MARGIN) * i) / span,
  }));
  const laneX = new Map(lanes.map((lane) => [lane.actor, lane.x]));
  const serverX = laneX.get(server)!;
  const clients = actors.filter((a) => !servers.has(a));
  // Each client's connections get their own column beside a server's lifeline,
  // on the side the client's lane is on, so parallel streams never overlap.
  const columns = new Map<string, Column>();
  const columnBeside = (actor: string, at: string): Column => {
    const key = `${at}\u0000${actor}`;
    const known = columns.get(key);
    if (known) return known;
    const atX = laneX.get(at) ?? serverX;
    const sideOf = (a: string): 1 | -1 => ((laneX.get(a) ?? atX) < atX ? -1 : 1);
    const side = sideOf(actor);
    const column = Math.max(0, clients.filter((a) => sideOf(a) === side).indexOf(actor));
    const placed = {
      side,
      column,
      x: atX + side * (BAR_WIDTH / 2 + 2 + column * (BAR_WIDTH + 3)),
    };
    columns.set(key, placed);
    return placed;
  };
  const columnOf = (actor: string): Column => columnBeside(actor, server);
  return { lanes, actors, laneX, server, serverX, servers, columnOf, columnBeside };
}

/**
 * A lane's name tag: 88 px wide, wider for a longer name ("Server (simulated)")
 * where lanes have room, narrower (and its text smaller, then shortened) when
 * they crowd.
 */
const LANE_TAG_WIDTH = 88;
export function laneTag(
  label: string,
  spacing: number,
): { width: number; fontSize: number; text: string } {
  const wanted = Math.max(LANE_TAG_WIDTH, Math.ceil(estimateWidth(label, 13)) + 6);
  const width = Math.max(36, Math.min(wanted, spacing - 4));
  if (width === wanted) return { width, fontSize: 13, text: label };
  const fits = (text: string, size: number): boolean => estimateWidth(text, size) <= width - 6;
  for (const fontSize of [11, 10])
    if (fits(label, fontSize)) return { width, fontSize, text: label };
  const fontSize = 10;
  const short = [
    label.replace(/^Gateway (\d+)$/, 'GW $1').replace(/^Balancer$/, 'LB'),
    ...(label.endsWith(' (simulated)')
      ? [label.replace(/ \(simulated\)$/, ' (sim.)'), 'Simulated', 'Sim.']
      : []),
  ];
  let text = short.find((candidate) => fits(candidate, fontSize)) ?? short[short.length - 1]!;
  while (text.length > 1 && !fits(text, fontSize)) text = text.slice(0, -1);
  return { width, fontSize, text };
}
