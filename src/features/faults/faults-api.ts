/** The server's fault state (GET/POST /api/faults, docs/protocol.md "Faults"). */
export interface FaultState {
  latencyMs: { up: number; down: number };
  blockWebSockets: boolean;
  restartingUntil: number | null;
}

export type FaultRequest = Partial<{
  latencyMs: Partial<FaultState['latencyMs']>;
  blockWebSockets: boolean;
  drop: true;
  silence: true;
  restart: { downForMs: number };
}>;

async function answer(response: Response): Promise<FaultState> {
  const body = (await response.json()) as FaultState & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `the server answered ${response.status}`);
  return body;
}

export async function readFaults(base = ''): Promise<FaultState> {
  return answer(await fetch(`${base}/api/faults`));
}

export async function setFaults(request: FaultRequest, base = ''): Promise<FaultState> {
  return answer(
    await fetch(`${base}/api/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    }),
  );
}
