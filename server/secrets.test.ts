/**
 * Issue 13, items 1, 6 and 9 over real sockets: secret headers never reach an
 * observer; the dev server's origins are trusted only under `npm run dev`, and
 * state-changing routes check Origin themselves; Host must come exactly once;
 * a non-canonical static path has a code of its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TraceEventInput } from '../src/core';
import { envOptions } from './env-options';
import { observeTrace, startApp, type Running } from './test/helpers';
import { rawExchange, TestSocket } from './test/clients';
import { parseAnswer, upgradeHead } from './test/probe-kit';
import { waitFor } from './test/wait-for';

const DEV = 'http://localhost:5173';

describe('secret headers on the observer stream', () => {
  let running: Running;
  afterEach(async () => running?.close());

  it('shows Cookie, Authorization and token headers as their size only, bytes still true', async () => {
    running = await startApp();
    const { observer, events } = await observeTrace(running);
    const head =
      `GET /api/channels/lobby/messages?since=0&rid=leaky HTTP/1.1\r\nHost: 127.0.0.1:${running.port}\r\n` +
      `Cookie: sid=secret\r\nAuthorization: Bearer x\r\nX-Api-Key: k-12345\r\nAccept: */*\r\nConnection: close\r\n\r\n`;
    await rawExchange(running.port, head);
    const ws = await TestSocket.open(`${running.wsBase}/api/channels/lobby/ws?rid=leaky-ws`, {
      headers: { Cookie: 'sid=secret; other=1' },
    });
    const request = (conn: string): TraceEventInput | undefined =>
      events().find((e) => e.conn === conn && e.kind === 'request');
    await waitFor(() => request('leaky') !== undefined && request('leaky-ws') !== undefined);

    expect(request('leaky')!.details?.requestHeaders).toEqual({
      Host: `127.0.0.1:${running.port}`,
      Cookie: '‹redacted, 10 bytes›',
      Authorization: '‹redacted, 8 bytes›',
      'X-Api-Key': '‹redacted, 7 bytes›',
      Accept: '*/*',
      Connection: 'close',
    });
    // The head's bytes are the bytes that arrived, secrets included.
    expect(request('leaky')!.bytes).toEqual({ header: Buffer.byteLength(head), payload: 0 });
    expect(request('leaky-ws')!.details?.requestHeaders?.Cookie).toBe('‹redacted, 19 bytes›');
    const everything = JSON.stringify(observer.frames);
    expect(everything).not.toContain('sid=secret');
    expect(everything).not.toContain('Bearer x');
    expect(everything).not.toContain('k-12345');
    ws.close();
    observer.close();
  });
});

describe('trusted origins', () => {
  let running: Running;
  afterEach(async () => running?.close());

  it('reads LAB_DEV=1 (set by npm run dev alone) as devOrigins, off otherwise', () => {
    expect(envOptions({}).devOrigins).toBe(false);
    expect(envOptions({ LAB_DEV: '0' }).devOrigins).toBe(false);
    expect(envOptions({ LAB_DEV: '1' }).devOrigins).toBe(true);
  });

  /** What each guarded door answers a page at `origin`: the status, and the code of a refusal. */
  async function doors(origin: string): Promise<Record<string, number | string>> {
    const { base, wsBase } = running;
    const json = { origin, 'content-type': 'application/json' };
    const status = async (res: Promise<Response>): Promise<number | string> => {
      const r = await res;
      const body = (await r.json().catch(() => ({}))) as { code?: string };
      return r.status === 403 ? `403 ${body.code ?? ''}` : r.status;
    };
    const ws = async (url: string): Promise<number | string> => {
      try {
        const socket = await TestSocket.open(url, { origin });
        socket.close();
        return 101;
      } catch (err) {
        return (err as Error).message;
      }
    };
    const lanes = (await (await fetch(`${base}/api/lanes`)).json()) as {
      lanes: { name: string; port: number }[];
    };
    const lane = lanes.lanes.find((l) => l.name === 'long-poll')!.port;
    return {
      channel: await ws(`${wsBase}/api/channels/lobby/ws`),
      observer: await ws(`${wsBase}/api/observe`),
      preflight: await status(
        fetch(`http://127.0.0.1:${lane}/api/channels/lobby/messages`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST' },
        }),
      ),
      faults: await status(
        fetch(`${base}/api/faults`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ latencyMs: { up: 0 } }),
        }),
      ),
      // A storm of 0 clients is refused by its schema (400): the Origin check let it through.
      storm: await status(
        fetch(`${base}/api/storm`, { method: 'POST', headers: json, body: '{"clients":0}' }),
      ),
      publish: await status(
        fetch(`${base}/api/channels/lobby/messages`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ from: 'eve', text: 'hi' }),
        }),
      ),
      schedule: await status(
        fetch(`${base}/api/channels/lobby/schedule`, { method: 'DELETE', headers: { origin } }),
      ),
      scale: await status(fetch(`${base}/api/scale`, { method: 'DELETE', headers: { origin } })),
    };
  }

  it('refuses the dev server origin under the production start, everywhere', async () => {
    running = await startApp();
    const refused = {
      channel: 'HTTP 403',
      observer: 'HTTP 403',
      preflight: '403 RL_ERR_BAD_ORIGIN',
      faults: '403 RL_ERR_BAD_ORIGIN',
      storm: '403 RL_ERR_BAD_ORIGIN',
      publish: '403 RL_ERR_BAD_ORIGIN',
      schedule: '403 RL_ERR_BAD_ORIGIN',
      scale: '403 RL_ERR_BAD_ORIGIN',
    };
    expect(await doors(DEV)).toEqual(refused);
    expect(await doors('http://evil.example')).toEqual(refused);
    // Nothing changed: no message, no fault.
    const poll = await fetch(`${running.base}/api/channels/lobby/messages?since=0`);
    expect(((await poll.json()) as { messages: unknown[] }).messages).toEqual([]);
  });

  it('accepts the dev server origin with devOrigins on, and the own origin always', async () => {
    running = await startApp({ devOrigins: true });
    const accepted = await doors(DEV);
    expect(accepted).toMatchObject({
      channel: 101,
      observer: 101,
      preflight: 204,
      faults: 200,
      storm: 400,
      publish: 201,
      schedule: 404,
      scale: 404,
    });
    await running.close();
    running = await startApp();
    expect(await doors(`http://127.0.0.1:${running.port}`)).toMatchObject({
      channel: 101,
      observer: 101,
      faults: 200,
      storm: 400,
      publish: 201,
    });
    // No Origin at all (curl, a test client) passes too.
    const curl = await fetch(`${running.base}/api/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(curl.status).toBe(200);
  });
});

describe('Host header count and non-canonical paths', () => {
  let running: Running;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lab-secrets-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Realtime Lab</title>');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => running?.close());

  it('refuses two Host headers and no Host with the lab JSON 400, on HTTP and on upgrades', async () => {
    running = await startApp();
    const host = `Host: 127.0.0.1:${running.port}\r\n`;
    const cases = {
      'two Hosts': `GET /api/health HTTP/1.1\r\n${host}Host: rebind.example\r\nConnection: close\r\n\r\n`,
      'two Hosts, same value': `GET /api/health HTTP/1.1\r\n${host}${host}Connection: close\r\n\r\n`,
      'no Host': 'GET /api/health HTTP/1.1\r\nConnection: close\r\n\r\n',
      'two Hosts, upgrade': upgradeHead('/api/channels/lobby/ws', `${host}host: evil.example\r\n`),
      'no Host, upgrade': upgradeHead('/api/channels/lobby/ws', ''),
      'no Host, observer': upgradeHead('/api/observe', ''),
    };
    for (const [name, request] of Object.entries(cases)) {
      const answer = parseAnswer(await rawExchange(running.port, request, 2_000));
      expect(answer, name).toMatchObject({
        status: 400,
        body: { code: 'RL_ERR_BAD_HOST_HEADER' },
      });
      expect(String(answer.body?.error), name).toMatch(/Host/);
    }
    expect(running.app.lab.stats().sockets).toBe(0);
    // One Host is fine.
    const ok = await rawExchange(
      running.port,
      `GET /api/health HTTP/1.1\r\n${host}Connection: close\r\n\r\n`,
    );
    expect(parseAnswer(ok).status).toBe(200);
  });

  it('answers a path that climbs out of the root with 403 RL_ERR_BAD_PATH', async () => {
    running = await startApp({ staticDir: dir });
    for (const path of ['/../lobby', '/a/../../lobby', '/%2e%2e/lobby', '//lobby']) {
      const answer = parseAnswer(
        await rawExchange(
          running.port,
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${running.port}\r\nConnection: close\r\n\r\n`,
        ),
      );
      expect(answer, path).toMatchObject({ status: 403, body: { code: 'RL_ERR_BAD_PATH' } });
    }
  });
});
