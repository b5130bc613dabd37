import { describe, expect, it } from 'vitest';
import {
  isRedacted,
  isSecretHeader,
  redactHeaders,
  redactHeaderValue,
  redactTraceEvent,
} from './redact';
import { exportTrace, parseTraceFile, type TraceEvent } from './trace';

describe('redact', () => {
  it('knows the credential headers and names that suggest a secret, in any case', () => {
    for (const name of [
      'Cookie',
      'set-cookie',
      'AUTHORIZATION',
      'Proxy-Authorization',
      'X-Auth-Token',
      'X-CSRF-Token',
      'X-XSRF-TOKEN',
      'X-Api-Key',
      'apikey',
      'X-Session-Id',
      'X-Client-Secret',
      'X-Password',
    ]) {
      expect(isSecretHeader(name), name).toBe(true);
    }
    for (const name of [
      'Host',
      'Accept',
      'Content-Type',
      'Content-Length',
      'Origin',
      'Last-Event-ID',
      'Sec-WebSocket-Key',
      'User-Agent',
    ]) {
      expect(isSecretHeader(name), name).toBe(false);
    }
  });

  it('keeps the name and the size in UTF-8 bytes, never the value', () => {
    expect(redactHeaderValue('Cookie', 'sid=secret')).toBe('‹redacted, 10 bytes›');
    expect(redactHeaderValue('Authorization', 'Bearer é')).toBe('‹redacted, 9 bytes›');
    expect(redactHeaderValue('Accept', 'sid=secret')).toBe('sid=secret');
    // The server measures what Node read (latin1, a byte a character).
    expect(redactHeaderValue('Cookie', 'Ã©', (v) => v.length)).toBe('‹redacted, 2 bytes›');
  });

  it('is idempotent: a marker (or markers of a repeated header) stays as it is', () => {
    const once = redactHeaders({ Cookie: 'a=1', Authorization: 'Basic eDp5', Accept: '*/*' });
    expect(once).toEqual({
      Cookie: '‹redacted, 3 bytes›',
      Authorization: '‹redacted, 10 bytes›',
      Accept: '*/*',
    });
    expect(redactHeaders(once)).toEqual(once);
    const repeated = '‹redacted, 3 bytes›, ‹redacted, 12 bytes›';
    expect(isRedacted(repeated)).toBe(true);
    expect(redactHeaderValue('Cookie', repeated)).toBe(repeated);
    expect(isRedacted('‹redacted, 3 bytes› and the secret')).toBe(false);
  });

  it('redacts request and response headers of an event, and leaves other events as they are', () => {
    const plain = { details: { status: 200 } };
    expect(redactTraceEvent(plain)).toBe(plain);
    expect(
      redactTraceEvent({
        details: {
          requestHeaders: { Cookie: 'sid=secret', Host: 'x' },
          responseHeaders: { 'Set-Cookie': 'sid=new; HttpOnly' },
        },
      }),
    ).toEqual({
      details: {
        requestHeaders: { Cookie: '‹redacted, 10 bytes›', Host: 'x' },
        responseHeaders: { 'Set-Cookie': '‹redacted, 17 bytes›' },
      },
    });
  });
});

describe('trace files carry no secret', () => {
  const leaky: TraceEvent = {
    seq: 0,
    t: 1,
    observer: 'server',
    actor: 'server-1',
    technique: 'short-poll',
    conn: 'r1',
    kind: 'request',
    dir: 'up',
    bytes: { header: 120, payload: 0 },
    details: {
      method: 'GET',
      requestHeaders: { Cookie: 'sid=secret', Authorization: 'Bearer x', Accept: '*/*' },
    },
  };
  const redacted = {
    Cookie: '‹redacted, 10 bytes›',
    Authorization: '‹redacted, 8 bytes›',
    Accept: '*/*',
  };

  it('export redacts (a trace recorded before redaction), byte counts untouched', () => {
    const file = exportTrace([leaky], 'live', new Date(0));
    expect(file.events[0]!.details!.requestHeaders).toEqual(redacted);
    expect(file.events[0]!.bytes).toEqual({ header: 120, payload: 0 });
    expect(JSON.stringify(file)).not.toMatch(/secret|Bearer/);
  });

  it('import redacts a file that still holds secrets, and keeps a redacted one as it is', () => {
    const raw = JSON.parse(
      JSON.stringify({
        format: 'realtime-lab-trace',
        version: 1,
        exportedAt: '',
        network: 'live',
        events: [leaky],
      }),
    ) as unknown;
    const loaded = parseTraceFile(raw);
    expect(loaded.events[0]!.details!.requestHeaders).toEqual(redacted);
    expect(JSON.stringify(loaded)).not.toMatch(/secret|Bearer/);
    expect(parseTraceFile(JSON.parse(JSON.stringify(loaded)) as unknown).events).toEqual(
      loaded.events,
    );
  });
});
