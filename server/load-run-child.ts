import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LiveChildMessage, LivePlan, LoadProgress } from '../src/core/load-live';
import type { LoadResults } from '../src/core/load-results';
import { isLoadResults } from '../src/core/load-view';

/**
 * The live load run's child process (bench/load/live.ts): the load lab's harness, its servers
 * and its clients run there and in processes of its own, never in the lab server's heap. It
 * is started with an IPC channel and the plan (N, and when the run must have ended); it is
 * killed at that moment if it is still running (SIGTERM, SIGKILL after a grace), and by
 * `stop`. Whatever it started goes with it: the harness stops its processes on SIGTERM, and
 * each of them exits by itself when its channel to the child closes (a SIGKILL included).
 */
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const LIVE_ENTRY = join(REPO, 'bench', 'load', 'live.ts');

/** Set in the child's environment, so in every process of the run (the tests find them by it). */
export const LIVE_RUN_MARKER = 'RL_LOAD_LIVE_RUN';

/** How the run ended, once its process has exited: with its results, or why there are none. */
export type LiveOutcome = { results: LoadResults } | { error: string };

export interface LiveChildEvents {
  progress(progress: LoadProgress): void;
  /** Once, after the process has exited. */
  end(outcome: LiveOutcome): void;
}

export interface LiveChild {
  readonly pid: number | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(reason: string, graceMs?: number): Promise<void>;
}

const STOP_GRACE_MS = 3_000;

function isChildMessage(value: unknown): value is LiveChildMessage {
  const v = value as Partial<LiveChildMessage> | null;
  return typeof v === 'object' && v !== null && typeof v.type === 'string';
}

/** The last lines the child printed: said when it exits without a word. */
function keepTail(stream: NodeJS.ReadableStream | null): () => string {
  let tail = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-2_000);
  });
  return () => tail.trim().split('\n').slice(-3).join(' / ');
}

/** Starts the child; `events` hear its progress and, once it has exited, how it ended. */
export function startLiveChild(plan: LivePlan, events: LiveChildEvents, marker: string): LiveChild {
  const child = spawn(process.execPath, ['--import', 'tsx', LIVE_ENTRY, JSON.stringify(plan)], {
    cwd: REPO,
    env: { ...process.env, [LIVE_RUN_MARKER]: marker },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const tail = keepTail(child.stderr);
  const seconds = Math.round((plan.endsAt - Date.now()) / 1_000);
  let outcome: LiveOutcome | undefined;
  let stoppedFor: string | undefined;
  let exited = false;
  // At the run's end, a child still running is stopped (SIGKILL a second after SIGTERM).
  const deadline = setTimeout(
    () => void stop(`the live run did not end within its ${seconds} s, so it was stopped`, 1_000),
    Math.max(0, plan.endsAt - Date.now()),
  );
  const gone = new Promise<void>((resolve) => {
    const finish = (why: string): void => {
      if (exited) return;
      exited = true;
      clearTimeout(deadline);
      const said = tail();
      // Results win; else why it was stopped, else what it said, else how it exited.
      if (outcome && 'results' in outcome) events.end(outcome);
      else events.end({ error: stoppedFor ?? outcome?.error ?? (said ? `${why}: ${said}` : why) });
      resolve();
    };
    child.once('exit', (code, signal) =>
      finish(`the live run's process exited (${signal ?? code}) before it reported`),
    );
    child.once('error', (err) => finish(`the live run's process could not run: ${err.message}`));
  });
  child.on('message', (message: unknown) => {
    if (!isChildMessage(message) || outcome) return;
    if (message.type === 'progress') events.progress(message);
    else if (message.type === 'result' && isLoadResults(message.results))
      outcome = { results: message.results };
    else if (message.type === 'error') outcome = { error: message.error };
  });

  const stop = async (reason: string, graceMs = STOP_GRACE_MS): Promise<void> => {
    if (exited) return;
    stoppedFor ??= reason;
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(kill);
  };
  return { pid: child.pid, stop };
}
