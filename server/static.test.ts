import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type Running } from './test/helpers';

describe('static app hosting', () => {
  let dir: string;
  let running: Running;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lab-static-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Realtime Lab</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1);');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => running?.close());

  it('serves files, falls back to index.html for app routes, and keeps /api 404s as JSON', async () => {
    running = await startApp({ staticDir: dir });
    const { base } = running;
    const root = await fetch(`${base}/`);
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('Realtime Lab');
    const js = await fetch(`${base}/app.js`);
    expect(await js.text()).toBe('console.log(1);');
    const deep = await fetch(`${base}/compare/sse`);
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-type')).toMatch(/text\/html/);
    const api = await fetch(`${base}/api/nope`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ code: 'RL_ERR_NOT_FOUND' });
    const post = await fetch(`${base}/compare`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(await post.json()).toMatchObject({ code: 'RL_ERR_NOT_FOUND' });
  });

  it('answers 404 JSON everywhere when there is no built app', async () => {
    running = await startApp({ staticDir: join(dir, 'missing') });
    const res = await fetch(`${running.base}/`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'RL_ERR_NOT_FOUND' });
  });
});
