/** The broker's "no open handle" check, run as a process of its own. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs server/test/broker-close-check.ts as its own process (on Redis when `redisUrl` is
 * given) and resolves with its exit code and output; a process still alive after 10 s —
 * something `close()` left open — is killed and resolves with code null.
 */
export function runBrokerCloseCheck(
  redisUrl?: string,
): Promise<{ code: number | null; output: string }> {
  const script = fileURLToPath(new URL('./broker-close-check.ts', import.meta.url));
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.LAB_REDIS_URL;
  if (redisUrl !== undefined) env.LAB_REDIS_URL = redisUrl;
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env, stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
