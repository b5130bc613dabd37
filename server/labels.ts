import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Technique } from '../src/core';
import type { Lab } from './lab';
import type { TraceTarget } from './observer-stream';

/** `client=` — the participant that sent the request (protocol.md, "Labels"). */
export const CLIENT_LABEL = /^[a-z0-9-]{1,32}$/;
/** `rid=` — the browser's own id for the request or connection. */
export const RID_LABEL = /^[A-Za-z0-9._:-]{1,64}$/;

/** The two label parameters every technique endpoint accepts; spread into a querystring schema. */
export const LabelQuery = {
  client: Type.Optional(Type.String({ pattern: CLIENT_LABEL.source })),
  rid: Type.Optional(Type.String({ pattern: RID_LABEL.source })),
};

export interface Labels {
  client?: string;
  rid?: string;
}

/** The trace target of one request: the client's rid (or a fresh `s-<n>`) and its client label. */
export function traceTarget(lab: Lab, technique: Technique | null, labels: Labels): TraceTarget {
  const target: TraceTarget = { technique, conn: labels.rid ?? lab.nextConnId() };
  if (labels.client !== undefined) target.peer = labels.client;
  return target;
}

/** Reads the (already validated) labels off a request's query. */
export function requestLabels(request: FastifyRequest): Labels {
  const query = request.query as Labels | undefined;
  const labels: Labels = {};
  if (typeof query?.client === 'string') labels.client = query.client;
  if (typeof query?.rid === 'string') labels.rid = query.rid;
  return labels;
}
