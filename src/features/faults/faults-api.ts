/** The server's fault state (GET/POST /api/faults, docs/protocol.md "Faults"). */
export interface FaultState {
  latencyMs: { up: number; down: number };
  blockWebSockets: boolean;
  restartingUntil: number | null;
  /** The last reboot, on the server's clock; null before the first (an older server omits it). */
  lastRestart?: { at: number; downForMs: number } | null;
}

export type FaultRequest = Partial<{
  latencyMs: Partial<FaultState['latencyMs']>;
  blockWebSockets: boolean;
  drop: true;
  silence: true;
  restart: { downForMs: number };
}>;

/** What this page asked for last, and when (page clock): the instant faults leave no state to read. */
export interface FaultChange {
  state: FaultState;
  request: FaultRequest | null;
  /** Page time (Date.now()) when the answer came. */
  at: number;
}

const listeners = new Set<(change: FaultChange) => void>();

/** Calls `listener` with every fault state this page reads or sets; returns the unsubscribe. */
export function onFaults(listener: (change: FaultChange) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function tell(state: FaultState, request: FaultRequest | null): FaultState {
  const change = { state, request, at: Date.now() };
  for (const listener of listeners) listener(change);
  return state;
}

async function answer(response: Response): Promise<FaultState> {
  if (!/json/i.test(response.headers.get('content-type') ?? '')) {
    // A static host (no lab server behind the page) answers with a page or a 404, not JSON.
    throw new Error(
      `/api/faults answered ${response.status} without JSON: no lab server answers here`,
    );
  }
  const body = (await response.json()) as FaultState & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `the server answered ${response.status}`);
  return body;
}

export async function readFaults(base = ''): Promise<FaultState> {
  return tell(await answer(await fetch(`${base}/api/faults`)), null);
}

export async function setFaults(request: FaultRequest, base = ''): Promise<FaultState> {
  const state = await answer(
    await fetch(`${base}/api/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    }),
  );
  return tell(state, request);
}
