/**
 * `npm run bench`: builds the benchmark page, opens it in Chromium and prints
 * the figures beside a baseline measured in the same run (shared machines are
 * noisy: compare ratios, not absolute times from another day).
 *
 *   npm run bench                 # 20 s of live ingest per case, in both layouts
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
const seconds = Number(process.env.BENCH_SECONDS ?? 20);

interface Case {
  events: number;
  frames: number;
  workMsP50: number;
  workMsP95: number;
  workMsMax: number;
  droppedFrameShare: number;
  baselineDroppedFrameShare: number;
  frameIntervalP95: number;
  baselineFrameIntervalP95: number;
  idleRenders: { following: number; paused: number };
}

interface DiagramResult {
  seconds: number;
  firstRenderMs: Record<
    'rows' | 'time',
    { events100: number; events10k: number; events100k: number }
  >;
  cases: Record<string, Case>;
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
    { timeout: (seconds * 6 + 180) * 1000 },
  );
  const error = await page.evaluate(() => window.benchError);
  if (error) throw new Error(error);
  const result = (await page.evaluate(() => window.benchResult)) as DiagramResult;
  const f = (n: number) => n.toFixed(1);
  const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  let missed = 0;
  const check = (ok: boolean) => {
    if (!ok) missed++;
    return verdict(ok);
  };
  console.log('Sequence diagram (Chromium, production build)');
  for (const [mode, r] of Object.entries(result.firstRenderMs)) {
    const name = mode === 'rows' ? 'step per row' : 'time to scale';
    console.log(`  first render (${name})`);
    console.log(`    100 events                   ${f(r.events100)} ms (baseline)`);
    console.log(
      `    10,000 events                ${f(r.events10k)} ms  target < 500 ms  ${check(r.events10k < 500)}  (${f(r.events10k / r.events100)}× baseline)`,
    );
    console.log(
      `    100,000 events               ${f(r.events100k)} ms  (${f(r.events100k / r.events10k)}× the 10k render${mode === 'rows' ? ': every step is numbered once, then only the rows in view are laid out' : ': cost follows the visible window'})`,
    );
  }
  for (const [name, i] of Object.entries(result.cases)) {
    console.log(`  ${name}, ${result.seconds} s: ${i.events} events, ${i.frames} renders`);
    console.log(
      `    diagram render+commit        p50 ${f(i.workMsP50)} ms, p95 ${f(i.workMsP95)} ms, max ${f(i.workMsMax)} ms  target p95 < 16 ms  ${check(i.workMsP95 < 16)}`,
    );
    console.log(
      `    frames over 20 ms            ${(i.droppedFrameShare * 100).toFixed(1)} % vs ${(i.baselineDroppedFrameShare * 100).toFixed(1)} % with no diagram  target < 2 %  ${check(i.droppedFrameShare < 0.02)}`,
    );
    const ratio = i.frameIntervalP95 / i.baselineFrameIntervalP95;
    console.log(
      `    frame interval p95           ${f(i.frameIntervalP95)} ms vs ${f(i.baselineFrameIntervalP95)} ms with no diagram (${ratio.toFixed(2)}×)  target ≤ 1.1×  ${check(ratio <= 1.1)}`,
    );
    console.log(
      `    renders in 2 s with nothing new   ${i.idleRenders.following} following, ${i.idleRenders.paused} paused`,
    );
  }
  if (missed > 0) {
    console.log(
      `${missed} target${missed === 1 ? '' : 's'} missed (a shared machine is noisy: run it again to confirm)`,
    );
    process.exitCode = 1;
  }
} finally {
  await browser.close();
  server.httpServer.close();
  rmSync(outDir, { recursive: true, force: true });
}
