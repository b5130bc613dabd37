import type { FastifyRequest } from 'fastify';
import type { Technique } from '../src/core';
import type { Lab } from './lab';
import type { TraceTarget } from './observer-stream';

export { CLIENT_LABEL, LabelQuery, RID_LABEL } from '../src/core/api-schemas';

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
