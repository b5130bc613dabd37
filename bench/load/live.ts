/**
 * The lab's live load run (`POST /api/load/run`, server/load-run.ts), as a child process of
 * the lab server: `node --import tsx bench/load/live.ts '{"clients":500,"endsAt":…}'` with an
 * IPC channel. It runs the load lab's harness with the live set-up (config.ts `liveConfig`),
 * bounded to end by `endsAt`, and says over the channel where it is (`progress`), then what it
 * measured (`result`, marked `live: true`) or why it could not (`error`); then it exits, every
 * process it started stopped. Nothing is written to a file. On SIGTERM, or when the lab server
 * goes (its channel closes), it stops everything and exits.
 */
import { LIVE_LOAD_LIMITS, type LiveChildMessage, type LivePlan } from '../../src/core/load-live';
import { liveConfig } from './config';
import { runLoadLab } from './harness';

function readPlan(raw: string | undefined): LivePlan {
  const plan = JSON.parse(raw ?? 'null') as Partial<LivePlan> | null;
  const clients = plan?.clients;
  if (
    typeof clients !== 'number' ||
    !Number.isInteger(clients) ||
    clients < LIVE_LOAD_LIMITS.minClients ||
    clients > LIVE_LOAD_LIMITS.maxClients ||
    typeof plan?.endsAt !== 'number'
  ) {
    throw new RangeError(`the live run's plan is not valid: ${String(raw).slice(0, 120)}`);
  }
  return { clients, endsAt: plan.endsAt };
}

/** Sends one message and waits until it is written (the process may exit right after). */
function tell(message: LiveChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function main(): Promise<number> {
  const controller = new AbortController();
  const stop = (): void => controller.abort(new Error('the live run was stopped'));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
  try {
    const plan = readPlan(process.argv[2]);
    const { results } = await runLoadLab(liveConfig(plan.clients), {
      signal: controller.signal,
      budget: {
        planUntil: plan.endsAt - LIVE_LOAD_LIMITS.planReserveMs,
        stopAt: plan.endsAt - LIVE_LOAD_LIMITS.stopReserveMs,
      },
      log: (line) => console.error(line),
      progress: (progress) => void tell({ type: 'progress', ...progress }),
    });
    const bound = `${LIVE_LOAD_LIMITS.budgetMs / 1_000} s`;
    const note = `A live run from the Lessons screen: ${plan.clients.toLocaleString('en')} connections per technique, bounded to ${bound}, on one client process; not saved to bench/results.`;
    await tell({
      type: 'result',
      results: { ...results, live: true, notes: [note, ...results.notes] },
    });
    return 0;
  } catch (err) {
    const sentence = controller.signal.aborted
      ? 'the live run was stopped'
      : err instanceof Error
        ? err.message
        : String(err);
    console.error(err);
    await tell({ type: 'error', error: sentence });
    return 1;
  }
}

// Exit at once: every process of the run was stopped by the harness.
process.exit(await main());
