/**
 * The held-connection section: for each technique and subject, open N idle connections
 * (step by step up to the largest N), read the server's memory after a forced GC, ask its
 * health route, and — for WebSocket and SSE — fan publishes out to all N and time every
 * delivery on the machine clock.
 */
import { perConnection, type FanOutFigure, type MemoryFigure } from '../../src/core/load-results';
import { BASELINE_OF, SUBJECT_NAMES, TECHNIQUE_NAMES } from '../../src/core/load-view';
import { heldEstimateMs } from './budget';
import type { LoadConfig } from './config';
import { closeAndAudit, server, waitForSockets, type LoadStep, type RunContext } from './context';
import { summarizeFanOut, type PublishDeliveries } from './measure';
import { health, send, sleep } from './pool';
import type { MemoryReading } from './protocol';
import { machineNow, timedText } from './protocol';
import { FAN_OUT_TECHNIQUES, TARGETS, type HeldTechnique, type Target } from './targets';

const WARM_UP = 20;

async function fanOut(
  run: RunContext,
  target: Target,
  base: string,
  n: number,
): Promise<FanOutFigure> {
  const publishes: PublishDeliveries[] = [];
  for (let k = 1; k <= run.config.fanOutPublishes; k += 1) {
    const tag = `${target.subject}-${target.technique}-${n}-${k}`;
    // The client processes tally every delivery as it comes; collect asks for them after.
    const answer = await send(`${base}${target.publishPath}`, {
      method: 'POST',
      body: target.publishBody(timedText(tag, machineNow())),
    });
    if (answer.status !== 201)
      throw new Error(`publish answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    const { counts, expected } = await run.pool.collect(tag, 1, run.config.fanOutWaitMs);
    publishes.push({ counts, expected });
    await sleep(100);
  }
  const summary = summarizeFanOut(publishes);
  if (summary.missing > 0) {
    run.results.notes.push(
      `${target.subject} ${target.technique} fan-out to ${n}: ${summary.missing} deliveries did not arrive within ${run.config.fanOutWaitMs} ms.`,
    );
  }
  return { subject: target.subject, technique: target.technique, receivers: n, ...summary };
}

function memoryFigure(
  target: Target,
  n: number,
  before: MemoryReading,
  after: MemoryReading,
  healthAnswer: { ms: number; ok: boolean },
): MemoryFigure {
  return {
    subject: target.subject,
    technique: target.technique,
    connections: n,
    rssPerConnection: perConnection(before.rss, after.rss, n),
    heapPerConnection: perConnection(before.heapUsed, after.heapUsed, n),
    healthWithin100ms: healthAnswer.ok && healthAnswer.ms <= 100,
    healthMs: healthAnswer.ms,
  };
}

/** Opens up to `n`; false (with a note) when the step could not open its N within its bound. */
async function openTo(run: RunContext, target: Target, base: string, n: number): Promise<boolean> {
  const started = Date.now();
  const { opened, errors } = await run.pool.add(target.kind, target.url(base), n - run.pool.total);
  run.log(
    `  ${target.subject} ${target.technique}: ${run.pool.total} open (+${opened} in ${Date.now() - started} ms)`,
  );
  if (run.pool.total >= n) return true;
  const why = errors.length > 0 ? ` (${errors.join('; ')})` : '';
  run.results.notes.push(
    `${target.subject} ${target.technique}: only ${run.pool.total} of ${n} connections opened within ${run.config.stepTimeoutMs} ms${why}; larger N not measured.`,
  );
  return false;
}

/**
 * A few connections opened and closed first, so that the code paths they run are compiled
 * and the pools they use exist before the first reading (otherwise N = 1,000 pays for them).
 */
async function warmUp(run: RunContext, target: Target, base: string): Promise<void> {
  const child = server(run, target.server);
  await run.pool.add(target.kind, target.url(base), WARM_UP);
  await waitForSockets(child, WARM_UP, 'at-least', 5_000);
  await run.pool.closeAll();
  await waitForSockets(child, 0, 'at-most', 10_000);
}

async function measureTarget(run: RunContext, target: Target): Promise<void> {
  const child = server(run, target.server);
  await warmUp(run, target, child.base);
  const before = await child.memory();
  for (const n of run.config.clients) {
    run.signal.throwIfAborted();
    if (!(await openTo(run, target, child.base, n))) break;
    await waitForSockets(child, n, 'at-least', 10_000);
    await sleep(run.config.settleMs);
    const after = await child.memory();
    const healthAnswer = await health(`${child.base}${target.healthPath}`);
    run.results.memory.push(memoryFigure(target, n, before, after, healthAnswer));
    if (FAN_OUT_TECHNIQUES.includes(target.technique)) {
      run.results.fanOut.push(await fanOut(run, target, child.base, n));
    }
  }
}

/** Each subject's held connections measured, and what breaks noted (the run goes on). */
async function measureAndClose(run: RunContext, target: Target): Promise<void> {
  const { technique } = target;
  run.log(
    `${target.subject} ${technique}: idle connections, health${FAN_OUT_TECHNIQUES.includes(technique) ? ', fan-out' : ''}`,
  );
  try {
    await measureTarget(run, target);
  } catch (err) {
    if (run.signal.aborted) throw err;
    run.results.notes.push(
      `${target.subject} ${technique} stopped: ${err instanceof Error ? err.message : String(err)}`,
    );
  } finally {
    if (!run.signal.aborted) await closeAndAudit(run, target.server);
  }
}

/**
 * One step per subject of every held technique, in the bench's order. A bounded run puts each
 * technique's lab and own baseline first (priority 0) and the other baselines (Socket.IO) after
 * the short-poll rates (priority 2).
 */
export function heldSteps(config: LoadConfig, techniques: readonly HeldTechnique[]): LoadStep[] {
  const n = config.clients.map((c) => c.toLocaleString('en')).join(' / ');
  return techniques.flatMap((technique) =>
    TARGETS[technique].map((target) => {
      const fanOut = FAN_OUT_TECHNIQUES.includes(technique);
      return {
        label: `${TECHNIQUE_NAMES[technique]}, ${SUBJECT_NAMES[target.subject]}: ${n} idle connections, health${fanOut ? ', fan-out' : ''}`,
        estimateMs: heldEstimateMs(config, fanOut),
        priority: target.subject === 'lab' || target.subject === BASELINE_OF[technique] ? 0 : 2,
        run: (run: RunContext) => measureAndClose(run, target),
      };
    }),
  );
}
