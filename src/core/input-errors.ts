/**
 * What a refused input says: the sentence and code a schema failure of a query or a body
 * gets, shared by the server (from Ajv's issues) and the offline simulation (from TypeBox's),
 * so that both refuse the same input with the same code (protocol.md, "Validation").
 */
import { labError, type HttpErrorName, type LabError } from './errors';
import { KNOB_RANGES } from './knobs';

/** How each query parameter is described when it is refused, and the code it is refused with. */
const QUERY_RULES: Record<string, { error: HttpErrorName; expected: string }> = {
  since: { error: 'BAD_SINCE', expected: 'a message id (a whole number ≥ 0)' },
  lastEventId: {
    error: 'BAD_LAST_EVENT_ID',
    expected: 'a message id (a whole number ≥ 0)',
  },
  timeout: {
    error: 'BAD_TIMEOUT',
    expected: `a whole number of ms from ${KNOB_RANGES.timeout.min} to ${KNOB_RANGES.timeout.max}`,
  },
  // retry and heartbeat are durations like timeout; they share its code and the sentence names them.
  retry: {
    error: 'BAD_TIMEOUT',
    expected: `a whole number of ms from ${KNOB_RANGES.retry.min} to ${KNOB_RANGES.retry.max}`,
  },
  heartbeat: {
    error: 'BAD_TIMEOUT',
    expected: `a whole number of ms from ${KNOB_RANGES.heartbeat.min} to ${KNOB_RANGES.heartbeat.max}`,
  },
  client: { error: 'BAD_LABEL', expected: '1 to 32 of a-z, 0-9 and "-"' },
  rid: { error: 'BAD_LABEL', expected: '1 to 64 of A-Z, a-z, 0-9 and . _ : -' },
};

/** One schema failure, as Ajv reports it (the simulation turns TypeBox's into this shape). */
export interface InputIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** The field an issue is about (`a.b`), or the property it says is missing. */
export function issueField(issue: InputIssue): { field: string; missing: string | undefined } {
  const missing =
    typeof issue.params?.missingProperty === 'string' ? issue.params.missingProperty : undefined;
  const field = missing ?? (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  return { field, missing };
}

/** A query parameter refused: its own code and what it must be, with what was sent. */
export function queryRefusal(
  issue: InputIssue,
  query: Record<string, unknown> | undefined,
): LabError {
  const { field } = issueField(issue);
  const rule = QUERY_RULES[field];
  const raw = query?.[field];
  const got = raw === undefined ? '' : `, got ${JSON.stringify(String(raw).slice(0, 40))}`;
  if (rule)
    return labError(rule.error, `query parameter "${field}" must be ${rule.expected}${got}`);
  return labError('BAD_BODY', `query parameter "${field}" ${issue.message ?? 'is not valid'}`);
}

/** A JSON body refused (`name`: BAD_BODY, or BAD_FAULT for the faults route): the field and why. */
export function bodyRefusal(issue: InputIssue, name: 'BAD_BODY' | 'BAD_FAULT'): LabError {
  const { field, missing } = issueField(issue);
  const extra = issue.params?.additionalProperty;
  if (typeof extra === 'string') {
    return labError(name, `body field "${[field, extra].filter(Boolean).join('.')}" is not known`);
  }
  if (missing) return labError(name, `body needs "${missing}"`);
  if (field === '') return labError(name, `body ${issue.message ?? 'is not valid'}`);
  return labError(name, `body field "${field}" ${issue.message ?? 'is not valid'}`);
}
