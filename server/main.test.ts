import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openSse, TestSocket } from './test-helpers';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('server/main.ts', () => {
  it('listens on PORT/HOST, prints its URL and exits cleanly on SIGTERM with a held poll, stream and socket', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: repo,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LAB_LOG: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 10_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
          if (match) {
            clearTimeout(timer);
            resolve(match[0]);
          }
        });
        child.once('exit', () => reject(new Error(`exited early: ${out}`)));
      });
      expect(await (await fetch(`${url}/api/health`)).json()).toEqual({ ok: true });
      const held = fetch(`${url}/api/channels/lobby/long-poll?timeout=60000`).then(
        (r) => r.status,
        () => 'cut',
      );
      const sse = await openSse(`${url}/api/channels/lobby/events`);
      const socket = await TestSocket.open(`${url.replace('http', 'ws')}/api/channels/lobby/ws`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await held).toBe(503);
      expect(await socket.closed()).toBe(1001);
      await sse.reader.ended();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
