import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app';
import { limitsFromEnv } from './options';
import { envOptions, exitOnSignals } from './env-options';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `PORT must be a whole number from 0 to 65535, got ${JSON.stringify(process.env.PORT)}`,
    );
  }
  const host = process.env.HOST ?? '127.0.0.1';
  const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
  const app = await buildApp({
    staticDir: join(repo, 'dist'),
    loadResultsDir: process.env.LAB_LOAD_RESULTS_DIR ?? join(repo, 'bench', 'results'),
    ...envOptions(process.env),
    // LAB_MAX_CONN_PER_ADDRESS, LAB_MAX_CONN_TOTAL, LAB_PUBLISH_RATE, LAB_PUBLISH_BURST,
    // LAB_KEEP_ALIVE_TIMEOUT_MS, LAB_HEADERS_TIMEOUT_MS, LAB_REQUEST_TIMEOUT_MS, LAB_MAX_HEADER_SIZE
    limits: limitsFromEnv(process.env),
  });

  exitOnSignals(app.log, () => app.close());

  await app.listen({ port, host });
  const address = app.server.address();
  const shownPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  console.log(`Realtime Lab listening on http://${shownHost}:${shownPort}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
