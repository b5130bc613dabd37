import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { needsBuild } from './build-state';

describe('needsBuild', () => {
  it('builds when dist/ is missing, skips when it is newer than every source, rebuilds after an edit', () => {
    const root = mkdtempSync(join(tmpdir(), 'rl-build-'));
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'App.tsx'), 'x');
    writeFileSync(join(root, 'index.html'), 'x');
    expect(needsBuild(root)).toBe(true);
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'index.html'), 'built');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'src', 'App.tsx'), past, past);
    utimesSync(join(root, 'src'), past, past);
    utimesSync(join(root, 'index.html'), past, past);
    utimesSync(root, past, past);
    expect(needsBuild(root)).toBe(false);
    writeFileSync(join(root, 'src', 'App.tsx'), 'edited');
    expect(needsBuild(root)).toBe(true);
  });
});
