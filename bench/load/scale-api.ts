/**
 * The bench's side of the Scaling lab's public API on a lab server (`POST /api/scale`,
 * `DELETE /api/scale`, docs/protocol.md "Scaling lab"): a two-gateway topology on one
 * broker, and where its gateways listen.
 */
import { send } from './pool';

export type ScaleBroker = 'memory' | 'redis';

/** The ports of a running two-gateway topology's gateways. */
export interface TwoGateways {
  /** gateway-1's: where the cross-gateway publishes go. */
  first: number;
  /** gateway-2's: where the receivers are held. */
  second: number;
}

/** A topology the lab refused to start: its status and sentence (`RL_ERR_NO_REDIS` …). */
export class ScaleRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    sentence: string,
  ) {
    super(sentence);
    this.name = 'ScaleRefused';
  }
}

function portOf(gateways: unknown, name: string): number {
  const found = Array.isArray(gateways)
    ? (gateways as unknown[]).find(
        (g): g is { name: string; port: unknown } =>
          typeof g === 'object' && g !== null && (g as { name?: unknown }).name === name,
      )
    : undefined;
  const port = found?.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535)
    throw new Error(`POST /api/scale answered no port for ${name}`);
  return port;
}

/** What `POST /api/scale` answered: gateway-1's and gateway-2's ports, or a ScaleRefused thrown. */
export function readTopology(status: number, body: string): TwoGateways {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new Error(`POST /api/scale answered ${status} and no JSON: ${body.slice(0, 200)}`);
  }
  const v = (typeof value === 'object' && value !== null ? value : {}) as {
    gateways?: unknown;
    error?: unknown;
    code?: unknown;
  };
  if (status !== 201) {
    const sentence = typeof v.error === 'string' ? v.error : body.slice(0, 200);
    throw new ScaleRefused(status, typeof v.code === 'string' ? v.code : '', sentence);
  }
  return { first: portOf(v.gateways, 'gateway-1'), second: portOf(v.gateways, 'gateway-2') };
}

/** Starts two gateways on `broker` on the lab at `base` (`http://127.0.0.1:<port>`). */
export async function startTopology(base: string, broker: ScaleBroker): Promise<TwoGateways> {
  // A Redis topology connects each gateway's two clients first: a few seconds at most.
  const answer = await send(`${base}/api/scale`, {
    method: 'POST',
    body: { gateways: 2, broker },
    timeoutMs: 30_000,
  });
  return readTopology(answer.status, answer.body);
}

/** Stops the lab's topology (its gateways close, their brokers' connections with them). */
export async function stopTopology(base: string): Promise<void> {
  const answer = await send(`${base}/api/scale`, { method: 'DELETE', timeoutMs: 30_000 });
  if (answer.status !== 204 && answer.status !== 404)
    throw new Error(`DELETE /api/scale answered ${answer.status}: ${answer.body.slice(0, 200)}`);
}
