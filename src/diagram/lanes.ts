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
  serverX: number;
  columnOf(actor: string): Column;
}

/** The participants in lane order: the first (the sender) left of the server, the rest to its right. */
export function laneOrder(
  known: readonly string[],
  preferred: readonly string[] | undefined,
): string[] {
  const clients = [...(preferred ?? [])];
  for (const actor of known) if (!clients.includes(actor)) clients.push(actor);
  if (clients.length === 0) return [SERVER_ACTOR];
  return [clients[0]!, SERVER_ACTOR, ...clients.slice(1)];
}

export function laneTitle(actor: string): string {
  return actor === SERVER_ACTOR ? 'Server' : actor.charAt(0).toUpperCase() + actor.slice(1);
}

export function placeLanes(
  known: readonly string[],
  preferred: readonly string[] | undefined,
  width: number,
): LanePlacement {
  const actors = laneOrder(known, preferred);
  const span = Math.max(1, actors.length - 1);
  const lanes: Lane[] = actors.map((actor, i) => ({
    actor,
    label: laneTitle(actor),
    role: actor === SERVER_ACTOR ? 'server' : 'client',
    x: actors.length === 1 ? width / 2 : LANE_MARGIN + ((width - 2 * LANE_MARGIN) * i) / span,
  }));
  const laneX = new Map(lanes.map((lane) => [lane.actor, lane.x]));
  const serverX = laneX.get(SERVER_ACTOR)!;
  const sideOf = (actor: string): 1 | -1 => ((laneX.get(actor) ?? serverX) < serverX ? -1 : 1);
  const clients = actors.filter((a) => a !== SERVER_ACTOR);
  // Each client's connections get their own column beside the server's lifeline,
  // on the side the client's lane is on, so parallel streams never overlap.
  const columns = new Map<string, Column>();
  const columnOf = (actor: string): Column => {
    const known = columns.get(actor);
    if (known) return known;
    const side = sideOf(actor);
    const column = Math.max(0, clients.filter((a) => sideOf(a) === side).indexOf(actor));
    const placed = {
      side,
      column,
      x: serverX + side * (BAR_WIDTH / 2 + 2 + column * (BAR_WIDTH + 3)),
    };
    columns.set(actor, placed);
    return placed;
  };
  return { lanes, actors, laneX, serverX, columnOf };
}
