/**
 * `npm run bench`: builds the benchmark page, opens it in Chromium and prints
 * the figures beside a baseline measured in the same run (shared machines are
 * noisy: compare ratios, not absolute times from another day).
 *
 *   npm run bench                 # 30 s of live ingest at 200 events/s
 *   BENCH_SECONDS=5 npm run bench # a quicker look
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import react from '@vitejs/plugin-react';
import { build, preview } from 'vite';
import { CHROMIUM_ARGS, systemChromium } from '../scripts/chromium';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = mkdtempSync(join(tmpdir(), 'rl-bench-'));
const seconds = Number(process.env.BENCH_SECONDS ?? 30);

interface DiagramResult {
  firstRenderMs: { events100: number; events10k: number; events100k: number };
  ingest: {
    seconds: number;
    rate: number;
    events: number;
    frames: number;
    workMsP50: number;
    workMsP95: number;
    workMsMax: number;
    droppedFrameShare: number;
    baselineDroppedFrameShare: number;
    frameIntervalP95: number;
    baselineFrameIntervalP95: number;
  };
}

await build({
  root,
  logLevel: 'warn',
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    rollupOptions: { input: join(root, 'bench', 'diagram.html') },
  },
});
const server = await preview({
  root,
  logLevel: 'warn',
  build: { outDir },
  preview: { host: '127.0.0.1', port: 0, strictPort: false },
});
const address = server.httpServer.address();
const port = typeof address === 'object' && address ? address.port : 0;
const executablePath = systemChromium();
const browser = await chromium.launch({
  ...(executablePath ? { executablePath } : {}),
  args: CHROMIUM_ARGS,
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`http://127.0.0.1:${port}/bench/diagram.html?seconds=${seconds}`);
  await page.waitForFunction(
    () => window.benchResult !== undefined || window.benchError !== undefined,
    undefined,
    { timeout: (seconds + 120) * 1000 },
  );
  const error = await page.evaluate(() => window.benchError);
  if (error) throw new Error(error);
  const result = (await page.evaluate(() => window.benchResult)) as DiagramResult;
  const f = (n: number) => n.toFixed(1);
  const r = result.firstRenderMs;
  const i = result.ingest;
  console.log('Sequence diagram (Chromium, production build)');
  console.log(`  first render, 100 events       ${f(r.events100)} ms (baseline)`);
  console.log(
    `  first render, 10,000 events    ${f(r.events10k)} ms  target < 500 ms  ${r.events10k < 500 ? 'ok' : 'MISSED'}  (${f(r.events10k / r.events100)}× baseline)`,
  );
  console.log(
    `  first render, 100,000 events   ${f(r.events100k)} ms  (${f(r.events100k / r.events10k)}× the 10k render: cost follows the visible window)`,
  );
  console.log(
    `  ingest ${i.rate}/s for ${i.seconds} s: ${i.events} events over ${i.frames} frames`,
  );
  console.log(
    `    diagram render+commit        p50 ${f(i.workMsP50)} ms, p95 ${f(i.workMsP95)} ms, max ${f(i.workMsMax)} ms  target p95 < 16 ms  ${i.workMsP95 < 16 ? 'ok' : 'MISSED'}`,
  );
  console.log(
    `    frames over 20 ms            ${(i.droppedFrameShare * 100).toFixed(1)} % vs ${(i.baselineDroppedFrameShare * 100).toFixed(1)} % with no diagram`,
  );
  console.log(
    `    frame interval p95           ${f(i.frameIntervalP95)} ms vs ${f(i.baselineFrameIntervalP95)} ms with no diagram (${f(i.frameIntervalP95 / i.baselineFrameIntervalP95)}×)`,
  );
} finally {
  await browser.close();
  server.httpServer.close();
  rmSync(outDir, { recursive: true, force: true });
}
