import type { ByteCount } from '../core';
import { absoluteUrl } from './urls';

/** The few facts the browser can learn about the bytes of its requests and responses. */

export const UNKNOWN_REQUEST_HEAD =
  'request header bytes are not visible to the browser; the server observer has the exact count';
export const UNKNOWN_RESPONSE_HEAD =
  'response header bytes unknown (no Resource Timing entry); the server observer has the exact count';

/**
 * Response header bytes of a finished fetch, from the Resource Timing API
 * (transferSize − encodedBodySize, same-origin only). `undefined` when the
 * browser does not say (no entry, cross-origin without Timing-Allow-Origin, a
 * cache hit, or Node). Keeps the browser's resource buffer from filling up: the
 * transports make a request every poll, and a full buffer records nothing more.
 */
export function responseHeaderBytes(url: string): number | undefined {
  if (typeof performance === 'undefined' || typeof performance.getEntriesByName !== 'function') {
    return undefined;
  }
  let name: string;
  try {
    name = absoluteUrl(url);
  } catch {
    return undefined;
  }
  const entries = performance.getEntriesByName(name, 'resource');
  const entry = entries[entries.length - 1] as PerformanceResourceTiming | undefined;
  let bytes: number | undefined;
  if (entry && entry.transferSize > 0 && entry.transferSize >= entry.encodedBodySize) {
    bytes = entry.transferSize - entry.encodedBodySize;
  }
  if (
    typeof performance.getEntriesByType === 'function' &&
    performance.getEntriesByType('resource').length > 200
  ) {
    performance.clearResourceTimings();
  }
  return bytes;
}

/** Bytes of a response as the browser can tell them, and a note when the head is unknown. */
export function responseBytes(url: string, payload: number): { bytes: ByteCount; note?: string } {
  const header = responseHeaderBytes(url);
  return header === undefined
    ? { bytes: { header: 0, payload }, note: UNKNOWN_RESPONSE_HEAD }
    : { bytes: { header, payload } };
}
