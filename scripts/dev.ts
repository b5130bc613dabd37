/**
 * `npm run dev`: the API server (restarted on change) on API_PORT (8787) and
 * Vite's dev server on 5173 with /api proxied to it, WebSockets included; only
 * this API server trusts the dev server's origins (LAB_DEV=1).
 * Ctrl-C stops both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const apiPort = process.env.API_PORT ?? '8787';
const env = { ...process.env, API_PORT: apiPort };

const children: ChildProcess[] = [
  spawn(process.execPath, ['--import', 'tsx', '--watch', join(root, 'server', 'main.ts')], {
    cwd: root,
    stdio: 'inherit',
    // LAB_DEV=1: the API server trusts Vite's origins (:5173); `npm start` never sets it.
    env: { ...env, PORT: apiPort, LAB_DEV: '1' },
  }),
  spawn(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js')], {
    cwd: root,
    stdio: 'inherit',
    env,
  }),
];

function stopAll(code: number): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}

for (const child of children) child.on('exit', (code) => stopAll(code ?? 0));
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
