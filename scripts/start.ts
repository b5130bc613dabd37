/**
 * `npm start`: builds the app when dist/ is missing or stale, then serves the
 * app and the API on one port (127.0.0.1:8080 unless PORT / HOST say otherwise).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { needsBuild } from './build-state';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

if (needsBuild(root)) {
  console.log('Building the app (dist/ is missing or older than its sources)…');
  const result = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) {
    console.error('The build failed; see the messages above.');
    process.exit(result.status ?? 1);
  }
}

await import('../server/main');
