import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentTypeFor, createStaticServer, normalizeBase, parseStaticArgs } from './static-serve';

describe('normalizeBase', () => {
  it('gives a path that starts and ends with a slash', () => {
    expect(normalizeBase('/')).toBe('/');
    expect(normalizeBase('')).toBe('/');
    expect(normalizeBase('/course/lab')).toBe('/course/lab/');
    expect(normalizeBase('/course//lab/')).toBe('/course/lab/');
  });

  it('refuses what is not a plain absolute path', () => {
    expect(() => normalizeBase('course/lab')).toThrow(/must start with \//);
    expect(() => normalizeBase('/a/../b')).toThrow(/not a path like/);
    expect(() => normalizeBase('/a b/')).toThrow(/not a path like/);
  });
});

describe('parseStaticArgs', () => {
  it('has defaults, reads the environment, and lets flags win', () => {
    expect(parseStaticArgs([], {}, '/repo')).toEqual({
      dir: resolve('/repo', 'dist-offline'),
      port: 8190,
      base: '/',
    });
    const env = { STATIC_DIR: 'dist', STATIC_PORT: '9000', STATIC_BASE: '/x/' };
    expect(parseStaticArgs([], env, '/repo')).toEqual({
      dir: '/repo/dist',
      port: 9000,
      base: '/x/',
    });
    expect(parseStaticArgs(['site', '--port', '8191', '--base=/course/lab'], env, '/repo')).toEqual(
      { dir: '/repo/site', port: 8191, base: '/course/lab/' },
    );
  });

  it('says what is wrong with a bad argument', () => {
    expect(() => parseStaticArgs(['--port', 'http'], {})).toThrow(/not a number from 0 to 65535/);
    expect(() => parseStaticArgs(['--port'], {})).toThrow(/--port needs a value/);
    expect(() => parseStaticArgs(['--host', 'x'], {})).toThrow(/Unknown option "--host"/);
  });
});

describe('contentTypeFor', () => {
  it('knows the files a build writes', () => {
    expect(contentTypeFor('/a/index-A1.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('x.js.map')).toBe('application/json; charset=utf-8');
    expect(contentTypeFor('f.WOFF2')).toBe('font/woff2');
    expect(contentTypeFor('README')).toBeUndefined();
  });
});

describe('createStaticServer', () => {
  let dir = '';
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'static-serve-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(dir, 'mockServiceWorker.js'), 'self.addEventListener("fetch", () => {});');
    writeFileSync(join(dir, 'assets', 'app.css'), 'body{}');
    writeFileSync(join(dir, 'assets', 'icon.svg'), '<svg/>');
    app = await createStaticServer({ dir, port: 0, base: '/course/lab/' });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the site under its base, with the right types', async () => {
    const page = await app.inject({ url: '/course/lab/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const worker = await app.inject({ url: '/course/lab/mockServiceWorker.js' });
    expect(worker.statusCode).toBe(200);
    expect(worker.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await app.inject({ url: '/course/lab/assets/app.css' })).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    expect((await app.inject({ url: '/course/lab/assets/icon.svg' })).headers['content-type']).toBe(
      'image/svg+xml',
    );
  });

  it('leads / and the base without its slash to the base', async () => {
    const root = await app.inject({ url: '/' });
    expect([root.statusCode, root.headers.location]).toEqual([302, '/course/lab/']);
    const bare = await app.inject({ url: '/course/lab' });
    expect([bare.statusCode, bare.headers.location]).toEqual([301, '/course/lab/']);
  });

  it('has no API: /api/… is a 404 like any missing file', async () => {
    for (const url of ['/api/health', '/course/lab/api/health', '/course/lab/missing.js']) {
      const reply = await app.inject({ url });
      expect(reply.statusCode).toBe(404);
      expect(reply.body).toMatch(/^Not found/);
    }
  });

  it('refuses a folder with no index.html, saying how to build it', async () => {
    await expect(
      createStaticServer({ dir: join(dir, 'assets'), port: 0, base: '/' }),
    ).rejects.toThrow(/has no index\.html: build it first/);
  });
});
