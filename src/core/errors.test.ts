import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  ERROR_TABLE,
  LabError,
  WS_LIBRARY_CLOSE_CODES,
  isErrorCode,
  labError,
  statusOnlyCode,
  statusOnlyError,
  wsLibraryCloseCode,
  type ErrorName,
  type HttpErrorName,
} from './errors';

/** ws's own source, read as text: the codes it raises and the close code each goes with. */
const WS_SOURCES = import.meta.glob<string>('/node_modules/ws/lib/*.js', {
  query: '?raw',
  import: 'default',
  eager: true,
});

const entries = Object.entries(ERROR_TABLE) as [
  ErrorName,
  (typeof ERROR_TABLE)[ErrorName] & { status?: number; closeCode?: number },
][];

/**
 * Codes that two entries share, each entry with its own status: the code is what
 * clients and tests have always matched on, so it stays on the wire.
 */
const SHARED_CODES: Record<string, ErrorName[]> = {
  RL_ERR_NOT_FOUND: ['NOT_FOUND', 'BAD_URL'],
  RL_ERR_UNAVAILABLE: ['UNAVAILABLE', 'STORM_RUNNING'],
};

describe('the error table', () => {
  it('gives each code string to one entry (but the wire-pinned shared codes)', () => {
    const byCode = new Map<string, ErrorName[]>();
    for (const [name, entry] of entries)
      byCode.set(entry.code, [...(byCode.get(entry.code) ?? []), name]);
    for (const [code, names] of byCode) {
      expect(names, code).toEqual(SHARED_CODES[code] ?? [names[0]]);
    }
  });

  it('gives every server code answering a request exactly one HTTP status, and browser codes none', () => {
    for (const [name, entry] of entries) {
      if (entry.raisedBy === 'browser') {
        expect(entry.status, name).toBeUndefined();
        expect(entry.closeCode, name).toBeUndefined();
      } else if (entry.status !== undefined) {
        expect(Number.isInteger(entry.status), name).toBe(true);
        expect(entry.status, name).toBeGreaterThanOrEqual(400);
        expect(entry.status, name).toBeLessThan(600);
      }
      expect(entry.code, name).toMatch(/^RL_ERR_[A-Z0-9_]+$/);
      expect(entry.sentence.length, name).toBeGreaterThan(0);
    }
  });

  it('uses only close codes an endpoint may send (1000–4999, not 1005, 1006 or 1015)', () => {
    const closeCodes = [
      ...entries.map(([, entry]) => entry.closeCode),
      ...Object.values(WS_LIBRARY_CLOSE_CODES),
    ].filter((code): code is number => code !== undefined);
    expect(closeCodes.length).toBeGreaterThan(0);
    for (const code of closeCodes) {
      expect(code).toBeGreaterThanOrEqual(1000);
      expect(code).toBeLessThanOrEqual(4999);
      expect([1005, 1006, 1015]).not.toContain(code);
    }
  });

  it('derives ERROR_CODES from the table, name for name', () => {
    expect(Object.keys(ERROR_CODES).sort()).toEqual(Object.keys(ERROR_TABLE).sort());
    for (const [name, code] of Object.entries(ERROR_CODES))
      expect(ERROR_TABLE[name as ErrorName].code).toBe(code);
  });

  it('builds each refusal with its entry’s status, close code and sentence', () => {
    for (const [name, entry] of entries) {
      if (entry.status === undefined) continue;
      const error = labError(name as HttpErrorName);
      expect(error).toBeInstanceOf(LabError);
      expect(error.status, name).toBe(entry.status);
      expect(error.closeCode, name).toBe(entry.closeCode);
      expect(error.toBody()).toEqual({ error: entry.sentence, code: entry.code });
    }
    expect(labError('BAD_SINCE', 'since is "x"').toBody()).toEqual({
      error: 'since is "x"',
      code: 'RL_ERR_BAD_SINCE',
    });
  });

  it('names an answer with no lab code by its status alone', () => {
    expect(statusOnlyCode(503)).toBe('HTTP_503');
    const error = statusOnlyError(416, 'range not satisfiable');
    expect([error.status, error.code]).toEqual([416, 'HTTP_416']);
  });

  it('recognises its own codes and the status-only family, nothing else', () => {
    for (const code of Object.values(ERROR_CODES)) expect(isErrorCode(code)).toBe(true);
    expect(isErrorCode('HTTP_404')).toBe(true);
    expect(isErrorCode('RL_ERR_NOPE')).toBe(false);
    expect(isErrorCode('HTTP_')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });
});

describe("ws's error codes", () => {
  const sources = Object.values(WS_SOURCES);
  const raised = new Set(
    sources.flatMap((text) => [...text.matchAll(/'(WS_ERR_[A-Z0-9_]+)'/g)].map((m) => m[1])),
  );

  it('reads them from ws itself', () => {
    expect(sources.length).toBeGreaterThan(0);
    expect(raised.size).toBeGreaterThan(5);
  });

  it('maps every WS_ERR_* code ws raises, and no other', () => {
    expect([...raised].sort()).toEqual(Object.keys(WS_LIBRARY_CLOSE_CODES).sort());
  });

  it('maps each to the close code ws raises it with', () => {
    const receiver =
      Object.entries(WS_SOURCES).find(([path]) => path.endsWith('/receiver.js'))?.[1] ?? '';
    const pairs = [...receiver.matchAll(/(\d{4}),\s*'(WS_ERR_[A-Z0-9_]+)'/g)];
    expect(pairs.length).toBeGreaterThan(5);
    for (const [, closeCode, code] of pairs)
      expect(wsLibraryCloseCode(code), code).toBe(Number(closeCode));
    expect(wsLibraryCloseCode('WS_ERR_SOMETHING_NEW')).toBeUndefined();
    expect(wsLibraryCloseCode(undefined)).toBeUndefined();
  });
});
