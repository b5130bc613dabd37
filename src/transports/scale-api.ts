import type { BalancerPolicy } from '../core/balancer';
import type { RegistryEntry } from '../core/scale-stats';
import {
  CLIENT_ERROR_CODES,
  TransportError,
  describeError,
  parseErrorBody,
} from './transport-error';

/**
 * The Scaling lab's routes (`/api/scale`, docs/protocol.md "Scaling lab"), one
 * typed function each. They go to the lab's own server (the page's origin), not
 * through the balancer. A refusal is a TransportError with the server's code,
 * status and sentence; a request that got no answer is one with RL_ERR_NETWORK.
 */

export type BrokerKind = 'memory' | 'redis';

export interface GatewayInfo {
  name: string;
  port: number;
  up: boolean;
}

/** The topology object every route but the registry's answers with. */
export interface Topology {
  balancer: { port: number };
  gateways: GatewayInfo[];
  policy: BalancerPolicy;
  broker: BrokerKind;
  /** Whether the broker is up (false after Broker down). */
  brokerUp: boolean;
  /** Whether the broker is off (no broker at all: nothing crosses between gateways). */
  brokerOff?: boolean;
  /** After an add or a remove: of the `of` users the balancer has routed, how many changed gateway (docs/protocol.md). */
  moved?: { users: number; of: number; policy: BalancerPolicy };
}

export interface TopologyBody {
  gateways?: number;
  policy?: BalancerPolicy;
  broker?: BrokerKind;
}

/** Where the lab's server is ('' : the page's own origin). */
export interface ScaleTarget {
  baseUrl?: string;
}

function scaleUrl({ baseUrl = '' }: ScaleTarget, sub = ''): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/scale${sub}`;
}

async function call(url: string, init?: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new TransportError(describeError(error), CLIENT_ERROR_CODES.NETWORK);
  }
  if (response.ok) return response;
  const { error, code } = parseErrorBody(response.status, await response.text());
  throw new TransportError(error, code, response.status);
}

const json = (method: string, body: unknown): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function topologyOf(response: Response): Promise<Topology> {
  return (await response.json()) as Topology;
}

/** `POST /api/scale`: starts a topology (409 while one runs, 503 when no Redis can be had). */
export async function startTopology(
  body: TopologyBody,
  target: ScaleTarget = {},
): Promise<Topology> {
  return topologyOf(await call(scaleUrl(target), json('POST', body)));
}

/** `GET /api/scale`: the running topology (404 when none). */
export async function getTopology(target: ScaleTarget = {}): Promise<Topology> {
  return topologyOf(await call(scaleUrl(target)));
}

/** `PATCH /api/scale`: switches the balancer's policy. */
export async function setPolicy(
  policy: BalancerPolicy,
  target: ScaleTarget = {},
): Promise<Topology> {
  return topologyOf(await call(scaleUrl(target), json('PATCH', { policy })));
}

/** `DELETE /api/scale`: stops everything (204). */
export async function stopTopology(target: ScaleTarget = {}): Promise<void> {
  await call(scaleUrl(target), { method: 'DELETE' });
}

/** `POST /api/scale/gateways`: adds a gateway. */
export async function addGateway(target: ScaleTarget = {}): Promise<Topology> {
  return topologyOf(await call(scaleUrl(target, '/gateways'), { method: 'POST' }));
}

const gatewayPath = (name: string, action = ''): string =>
  `/gateways/${encodeURIComponent(name)}${action}`;

/** `DELETE /api/scale/gateways/:name`: removes one gracefully. */
export async function removeGateway(name: string, target: ScaleTarget = {}): Promise<Topology> {
  return topologyOf(await call(scaleUrl(target, gatewayPath(name)), { method: 'DELETE' }));
}

/** `POST /api/scale/gateways/:name/kill`: crashes it. */
export async function killGateway(name: string, target: ScaleTarget = {}): Promise<Topology> {
  return topologyOf(await call(scaleUrl(target, gatewayPath(name, '/kill')), { method: 'POST' }));
}

/** `POST /api/scale/gateways/:name/restart`: brings a killed one back. */
export async function restartGateway(name: string, target: ScaleTarget = {}): Promise<Topology> {
  return topologyOf(
    await call(scaleUrl(target, gatewayPath(name, '/restart')), { method: 'POST' }),
  );
}

/** `POST /api/scale/broker`: takes the broker down (`up: false`) or brings it up. */
export async function setBrokerUp(up: boolean, target: ScaleTarget = {}): Promise<Topology> {
  return topologyOf(await call(scaleUrl(target, '/broker'), json('POST', { up })));
}

/** `POST /api/scale/broker` `{ off }`: no broker at all (`true`), or the broker back (`false`). */
export async function setBrokerOff(off: boolean, target: ScaleTarget = {}): Promise<Topology> {
  return topologyOf(await call(scaleUrl(target, '/broker'), json('POST', { off })));
}

/** `GET /api/scale/registry`: every connection open through the balancer. */
export async function getRegistry(target: ScaleTarget = {}): Promise<RegistryEntry[]> {
  const response = await call(scaleUrl(target, '/registry'));
  const body = (await response.json()) as { connections?: RegistryEntry[] };
  return body.connections ?? [];
}
