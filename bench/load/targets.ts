/**
 * What the load lab measures and against what: each subject's server process (the lab's
 * own server/main.ts, or a bare baseline) and, per technique, the URL its clients open,
 * its health route and how it is published to.
 */
import type { LoadSubject, LoadTechnique } from '../../src/core/load-results';
import type { ConnectionKind } from './protocol';

/** The techniques measured with held connections (short polling is a request rate). */
export type HeldTechnique = Exclude<LoadTechnique, 'short-poll'>;

/** The server processes of a run: one per subject and technique, so each starts clean. */
export type ServerKey =
  | 'lab:websocket'
  | 'lab:sse'
  | 'lab:long-poll'
  | 'lab:scale'
  | 'bare-ws'
  | 'bare-fastify:sse'
  | 'bare-fastify:long-poll'
  | 'socket.io';

/** Raised limits: the lab's defaults (2,000 a client address, 5,000 in all) would cap N. */
export const LAB_ENV = {
  LAB_LOG: 'warn',
  LAB_MAX_CONN_PER_ADDRESS: '1000000',
  LAB_MAX_CONN_TOTAL: '1000000',
  LAB_PUBLISH_RATE: '1000000',
  LAB_PUBLISH_BURST: '1000000',
  LAB_PUBLISH_RATE_PER_ADDRESS: '1000000',
  LAB_PUBLISH_BURST_PER_ADDRESS: '1000000',
} as const;

export const SERVER_ENTRIES: Record<ServerKey, { entry: string; env: Record<string, string> }> = {
  'lab:websocket': { entry: 'server/main.ts', env: LAB_ENV },
  'lab:sse': { entry: 'server/main.ts', env: LAB_ENV },
  'lab:long-poll': { entry: 'server/main.ts', env: LAB_ENV },
  // The Scaling section's: its topologies' gateways keep the lab's default limits (2,000
  // connections an address, 5,000 in all), above the section's receivers (1,000 at most).
  'lab:scale': { entry: 'server/main.ts', env: LAB_ENV },
  'bare-ws': { entry: 'bench/load/servers/bare-ws.ts', env: {} },
  'bare-fastify:sse': { entry: 'bench/load/servers/bare-fastify.ts', env: {} },
  'bare-fastify:long-poll': { entry: 'bench/load/servers/bare-fastify.ts', env: {} },
  'socket.io': { entry: 'bench/load/servers/socket-io.ts', env: {} },
};

/**
 * The process a server key runs in. Each key has its own, so that each technique starts clean,
 * unless the run shares them (`shareServerProcesses`, the live run: fewer processes to start
 * in its 20 s): then the lab's techniques run in one lab process, bare Fastify's in one.
 */
export function processOf(key: ServerKey, shared: boolean): ServerKey {
  if (!shared) return key;
  if (key.startsWith('lab:')) return 'lab:websocket';
  if (key.startsWith('bare-fastify:')) return 'bare-fastify:sse';
  return key;
}

/** One subject's technique: how clients connect, where health is asked, how to publish. */
export interface Target {
  subject: LoadSubject;
  technique: HeldTechnique;
  server: ServerKey;
  kind: ConnectionKind;
  /** The URL a client opens, from the server's `http://host:port`. */
  url(base: string): string;
  healthPath: string;
  publishPath: string;
  publishBody(text: string): object;
}

const toWs = (base: string): string => base.replace(/^http/, 'ws');
const LAB_CHANNEL = '/api/channels/lobby';
const labPublish = { healthPath: '/api/health', publishPath: `${LAB_CHANNEL}/messages` };
const barePublish = { healthPath: '/health', publishPath: '/publish' };
const labBody = (text: string): object => ({ from: 'load', text });
const bareBody = (text: string): object => ({ text });
// The longest hold the lab allows: a held poll is not answered while a step runs.
const HOLD = 'timeout=120000';

/** Per technique, the lab first, then its baselines (its own first). */
export const TARGETS: Record<HeldTechnique, Target[]> = {
  websocket: [
    {
      subject: 'lab',
      technique: 'websocket',
      server: 'lab:websocket',
      kind: 'ws',
      url: (b) => `${toWs(b)}${LAB_CHANNEL}/ws`,
      ...labPublish,
      publishBody: labBody,
    },
    {
      subject: 'bare-ws',
      technique: 'websocket',
      server: 'bare-ws',
      kind: 'ws',
      url: (b) => `${toWs(b)}/ws`,
      ...barePublish,
      publishBody: bareBody,
    },
    {
      subject: 'socket.io',
      technique: 'websocket',
      server: 'socket.io',
      kind: 'socket.io',
      url: (b) => b,
      ...barePublish,
      publishBody: bareBody,
    },
  ],
  sse: [
    {
      subject: 'lab',
      technique: 'sse',
      server: 'lab:sse',
      kind: 'sse',
      url: (b) => `${b}${LAB_CHANNEL}/events`,
      ...labPublish,
      publishBody: labBody,
    },
    {
      subject: 'bare-fastify',
      technique: 'sse',
      server: 'bare-fastify:sse',
      kind: 'sse',
      url: (b) => `${b}/events`,
      ...barePublish,
      publishBody: bareBody,
    },
  ],
  'long-poll': [
    {
      subject: 'lab',
      technique: 'long-poll',
      server: 'lab:long-poll',
      kind: 'long-poll',
      url: (b) => `${b}${LAB_CHANNEL}/long-poll?since={since}&${HOLD}`,
      ...labPublish,
      publishBody: labBody,
    },
    {
      subject: 'bare-fastify',
      technique: 'long-poll',
      server: 'bare-fastify:long-poll',
      kind: 'long-poll',
      url: (b) => `${b}/long-poll?since={since}&${HOLD}`,
      ...barePublish,
      publishBody: bareBody,
    },
  ],
};

/** Fan-out is measured where a publish reaches held receivers as a push. */
export const FAN_OUT_TECHNIQUES: readonly HeldTechnique[] = ['websocket', 'sse'];
