import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkBundle,
  entryModules,
  MSW_MARKERS,
  mswMarkersIn,
  staticImports,
} from './check-bundle';

describe('entryModules', () => {
  it('reads the module scripts and the modulepreload links, not classic scripts or stylesheets', () => {
    const html = `<head>
      <script type="module" crossorigin src="/assets/index-A1.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/vendor-B2.js">
      <link rel="stylesheet" href="/assets/index-C3.css">
      <script src="/legacy.js"></script>
      <script type=module src='./assets/rel-D4.js'></script>
    </head>`;
    expect(entryModules(html)).toEqual([
      '/assets/index-A1.js',
      './assets/rel-D4.js',
      '/assets/vendor-B2.js',
    ]);
  });
});

describe('staticImports', () => {
  it('finds import and export statements, minified or not, and skips dynamic imports', () => {
    const code =
      'import{n as e,t}from"./vendor-B2.js";import"./side-E5.js";export{x}from \'./re-F6.js\';' +
      'import * as ns from "../up-G7.js";const m=()=>import(`./lazy-H8.js`);import("./lazy-I9.js");' +
      'import{a}from"react";';
    expect(staticImports(code)).toEqual([
      './vendor-B2.js',
      './side-E5.js',
      './re-F6.js',
      '../up-G7.js',
    ]);
  });

  it('does not take a property called import for a statement', () => {
    expect(staticImports('x.import"./not-J1.js"')).toEqual([]);
  });
});

describe('mswMarkersIn', () => {
  it('names the markers found and nothing in plain app code', () => {
    expect(
      mswMarkersIn('console.warn(`[MSW] Failed`);postMessage(`INTEGRITY_CHECK_REQUEST`)'),
    ).toEqual(['[MSW]', 'INTEGRITY_CHECK_REQUEST']);
    expect(mswMarkersIn('fetch("/api/health");register("./mockServiceWorker.js")')).toEqual([]);
    expect(MSW_MARKERS.length).toBeGreaterThan(3);
  });
});

describe('checkBundle', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function build(files: Record<string, string>): string {
    dir = mkdtempSync(join(tmpdir(), 'check-bundle-'));
    mkdirSync(join(dir, 'assets'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }

  const html = '<script type="module" crossorigin src="/assets/index-A1.js"></script>';

  it('passes, with the sizes, when msw is only in a lazily imported chunk', () => {
    const result = checkBundle(
      build({
        'index.html': html,
        'assets/index-A1.js': 'import{t}from"./shared-B2.js";import(`./browser-C3.js`);',
        'assets/shared-B2.js': 'export const t=1;',
        'assets/browser-C3.js': 'console.warn(`[MSW] Mocking enabled.`,`https://mswjs.io/docs`)',
      }),
    );
    expect(result.ok).toBe(true);
    expect(result.line).toMatch(
      /^Bundle check: no msw in the entry chunk assets\/index-A1\.js \(0\.1 kB, 0\.\d kB gzipped\) or in the 1 chunk it imports statically \(0\.0 kB\)\.$/,
    );
  });

  it('fails, naming the chunk and the markers, when a statically imported chunk holds msw', () => {
    const result = checkBundle(
      build({
        'index.html': html,
        'assets/index-A1.js': 'import{t}from"./vendor-B2.js";',
        'assets/vendor-B2.js': 'throw new InterceptorError(`see https://mswjs.io/docs`)',
      }),
    );
    expect(result.ok).toBe(false);
    expect(result.line).toContain(
      'msw is in the normal app\'s entry code: assets/vendor-B2.js ("mswjs.io", "InterceptorError")',
    );
  });

  it('fails with a sentence when there is no build or no entry', () => {
    expect(checkBundle(build({})).line).toMatch(/index\.html is missing/);
    rmSync(dir, { recursive: true, force: true });
    expect(checkBundle(build({ 'index.html': '<p>hi</p>' })).line).toMatch(
      /loads no module script/,
    );
  });
});
