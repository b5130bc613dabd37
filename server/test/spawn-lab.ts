/** The lab as a child process, the way `npm start` runs it. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `node server/main.ts` as a child process on a free port, with extra environment variables. */
export function spawnLab(env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: repo,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LAB_LOG: 'silent', ...env },
    stdio: 'pipe',
  });
}

/** The URL a spawned lab prints once it listens (rejects if it exits or prints none in 10 s). */
export function printedUrl(child: ChildProcessWithoutNullStreams): Promise<string> {
  let out = '';
  return new Promise<string>((resolve, reject) => {
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
}
