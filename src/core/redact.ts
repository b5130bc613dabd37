/**
 * Secrets out of recorded headers. A browser sends every cookie of 127.0.0.1 to
 * every port, so the lab's server sees other local apps' session cookies and
 * tokens; the trace keeps a header's name and its size, never its value:
 * `Cookie: ‹redacted, 42 bytes›`. Byte counts stay true because they are
 * counted from the bytes as they arrived, not from the recorded record.
 *
 * Redaction is idempotent: a value that is already a marker stays as it is,
 * so the server, the export and the import may each apply it.
 */
import type { TraceEvent, TraceFile } from './trace';
import { utf8Bytes } from './wsframe';

/** Headers that carry credentials by definition (RFC 6265, RFC 9110 §11). */
const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'cookie',
  'set-cookie',
  'authorization',
  'proxy-authorization',
]);

/** Any other header whose name suggests a secret: tokens, keys, sessions, CSRF values, passwords. */
const SECRET_NAME =
  /token|secret|api[-_]?key|session|auth|csrf|xsrf|passw|credential|private[-_]?key|signature|jwt/i;

/** One marker, or several joined by ", " (a header sent more than once). */
const MARKERS = /^‹redacted, \d+ bytes›(?:, ‹redacted, \d+ bytes›)*$/;

/** Whether a header's value is a secret, by its name (any case). */
export function isSecretHeader(name: string): boolean {
  const n = name.trim().toLowerCase();
  return SECRET_HEADERS.has(n) || SECRET_NAME.test(n);
}

/** What a secret value is recorded as: its size only. */
export function redactedMarker(bytes: number): string {
  return `‹redacted, ${bytes} bytes›`;
}

export function isRedacted(value: string): boolean {
  return MARKERS.test(value);
}

/**
 * A header's value as the trace may keep it: the value itself, or for a secret
 * header `‹redacted, N bytes›`, N the value's length in bytes (UTF-8 unless
 * `bytes` says how the wire carried it; the server passes latin1, as Node reads
 * header bytes). An existing marker is kept as is.
 */
export function redactHeaderValue(
  name: string,
  value: string,
  bytes: (value: string) => number = utf8Bytes,
): string {
  if (!isSecretHeader(name) || isRedacted(value)) return value;
  return redactedMarker(bytes(value));
}

/** A header record with every secret value redacted (a new object; names and order kept). */
export function redactHeaders(
  headers: Readonly<Record<string, string>>,
  bytes?: (value: string) => number,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = typeof value === 'string' ? redactHeaderValue(name, value, bytes) : value;
  }
  return out;
}

function isHeaderRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A trace event with its request and response headers redacted (the same object when nothing changes). */
export function redactTraceEvent<E extends Pick<TraceEvent, 'details'>>(event: E): E {
  const d = event.details;
  if (!d) return event;
  const request = isHeaderRecord(d.requestHeaders) ? redactHeaders(d.requestHeaders) : undefined;
  const response = isHeaderRecord(d.responseHeaders) ? redactHeaders(d.responseHeaders) : undefined;
  if (!request && !response) return event;
  return {
    ...event,
    details: {
      ...d,
      ...(request ? { requestHeaders: request } : {}),
      ...(response ? { responseHeaders: response } : {}),
    },
  };
}

/** A trace file with every event's headers redacted: what export writes and import loads. */
export function redactTraceFile(file: TraceFile): TraceFile {
  return { ...file, events: file.events.map(redactTraceEvent) };
}
