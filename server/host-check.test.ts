import { afterEach, describe, expect, it } from 'vitest';
import { DEV_ORIGINS, hostName, isAllowedHost, isAllowedOrigin } from './host-check';
import { startApp, type Running } from './test/helpers';
import { rawExchange, TestSocket } from './test/clients';

describe('host and origin rules', () => {
  it('accepts loopback hosts with any port and configured ones', () => {
    expect(hostName('[::1]:8080')).toBe('[::1]');
    expect(hostName('LocalHost:80')).toBe('localhost');
    for (const host of [
      'localhost',
      'localhost:5173',
      '127.0.0.1:8080',
      '127.1.2.3',
      '[::1]',
      '[::1]:9',
    ]) {
      expect(isAllowedHost(host, [])).toBe(true);
    }
    for (const host of [
      'evil.com',
      'evil.com:8080',
      '127.0.0.1.evil.com',
      '128.0.0.1',
      '127.0.0.256',
      '',
      undefined,
    ]) {
      expect(isAllowedHost(host, [])).toBe(false);
    }
    expect(isAllowedHost('lab.example:8080', ['lab.example'])).toBe(true);
  });

  it('accepts no Origin, the own origin and trusted ones (the dev server only when listed)', () => {
    expect(isAllowedOrigin(undefined, '127.0.0.1:8080', [])).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:8080', '127.0.0.1:8080', [])).toBe(true);
    expect(isAllowedOrigin('http://localhost:5173', '127.0.0.1:8080', [])).toBe(false);
    expect(isAllowedOrigin('http://localhost:5173', '127.0.0.1:8080', DEV_ORIGINS)).toBe(true);
    expect(isAllowedOrigin('http://evil.com', '127.0.0.1:8080', [])).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:9999', '127.0.0.1:8080', [])).toBe(false);
    expect(isAllowedOrigin('https://x.test', '127.0.0.1:8080', ['https://x.test'])).toBe(true);
  });
});

describe('host check and WebSocket origin on a live server', () => {
  let running: Running;
  afterEach(async () => running?.close());

  it('refuses a foreign Host with 403 JSON on HTTP and on upgrades', async () => {
    running = await startApp();
    const raw = await rawExchange(
      running.port,
      'GET /api/health HTTP/1.1\r\nHost: rebind.example\r\nConnection: close\r\n\r\n',
    );
    const text = raw.toString('utf8');
    expect(text.startsWith('HTTP/1.1 403')).toBe(true);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({
      code: 'RL_ERR_BAD_HOST',
    });
    await expect(
      TestSocket.open(`${running.wsBase}/api/channels/lobby/ws`, {
        headers: { host: 'rebind.example' },
      }),
    ).rejects.toThrow('HTTP 403');
    const allowed = await startApp({ allowedHosts: ['lab.example'] });
    try {
      const ok = await rawExchange(
        allowed.port,
        'GET /api/health HTTP/1.1\r\nHost: lab.example:1234\r\nConnection: close\r\n\r\n',
      );
      expect(ok.toString().startsWith('HTTP/1.1 200')).toBe(true);
    } finally {
      await allowed.close();
    }
  });

  it('refuses a foreign Origin before upgrading, allows none, own and (under dev) dev origins', async () => {
    running = await startApp({ devOrigins: true });
    const url = `${running.wsBase}/api/channels/lobby/ws`;
    await expect(TestSocket.open(url, { origin: 'http://evil.example' })).rejects.toThrow(
      'HTTP 403',
    );
    expect(running.app.lab.stats().sockets).toBe(0);
    for (const origin of [undefined, `http://127.0.0.1:${running.port}`, 'http://localhost:5173']) {
      const socket = await TestSocket.open(url, origin ? { origin } : {});
      socket.close();
      expect(await socket.closed()).toBe(1005);
    }
  });
});
