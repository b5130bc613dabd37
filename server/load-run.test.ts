import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LIVE_LOAD_LIMITS, type LiveRunBody } from '../src/core/load-live';
import { LIVE_RUN_MARKER, startLiveChild, type LiveOutcome } from './load-run-child';
import { startApp, type Running } from './test/helpers';
import { waitFor } from './test/wait-for';

function postRun(base: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}/api/load/run`, {
    method: 'POST',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

async function readRun(base: string): Promise<LiveRunBody> {
  const res = await fetch(`${base}/api/load/run`);
  expect(res.status).toBe(200);
  return (await res.json()) as LiveRunBody;
}

const CAN_SEE_PROCESSES = existsSync('/proc/self/environ');
const RESULTS_DIR = fileURLToPath(new URL('../bench/results', import.meta.url));

/**
 * Every process of this lab's live runs, found by the marker the lab sets in the child's
 * environment (and so in everything the child starts): its value begins with the lab's pid,
 * the pid of this test process, where `startApp` runs the lab.
 */
function liveRunProcesses(): number[] {
  const mark = `${LIVE_RUN_MARKER}=${process.pid}-`;
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, 'latin1').split('\0');
      if (env.some((entry) => entry.startsWith(mark))) found.push(Number(name));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

describe('the live load run (POST and GET /api/load/run)', () => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('refuses bad input with its code and a sentence naming the field, starting nothing', async () => {
    running = await startApp();
    expect(await readRun(running.base)).toEqual({
      state: 'idle',
      clients: null,
      startedAt: null,
      done: 0,
      total: 0,
      section: null,
      budgetMs: LIVE_LOAD_LIMITS.budgetMs,
    });
    for (const body of [
      { clients: 0 },
      { clients: 501 },
      { clients: 'many' },
      { clients: 20.5 },
      { clients: null },
      { clients: 20, seconds: 5 },
      [20],
    ]) {
      const res = await postRun(running.base, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = (await res.json()) as { error: string; code: string };
      expect(error.code, JSON.stringify(body)).toBe('RL_ERR_BAD_BODY');
      expect(error.error, JSON.stringify(body)).toMatch(/clients|seconds|body must be object/);
    }
    const notJson = await postRun(running.base, '{"clients": ');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ code: 'RL_ERR_BAD_JSON' });
    const empty = await postRun(running.base, '');
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ code: 'RL_ERR_BAD_BODY' });
    // A page of another origin may not start one.
    const foreign = await postRun(running.base, { clients: 20 }, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: 'RL_ERR_BAD_ORIGIN' });

    expect((await readRun(running.base)).state).toBe('idle');
    if (CAN_SEE_PROCESSES) expect(liveRunProcesses()).toEqual([]);
  });

  it(
    'runs one at a time, reports its progress, and is done with live results once every process is gone',
    { timeout: 60_000 },
    async () => {
      running = await startApp();
      const base = running.base;
      const committed = readdirSync(RESULTS_DIR).sort();
      const posted = Date.now();
      const first = await postRun(base, { clients: 10 });
      expect(first.status).toBe(202);
      expect(await first.json()).toMatchObject({ state: 'running', clients: 10, done: 0 });

      const second = await postRun(base, { clients: 10 });
      expect(second.status).toBe(409);
      const refusal = (await second.json()) as { error: string; code: string };
      expect(refusal.code).toBe('RL_ERR_LOAD_RUNNING');
      expect(refusal.error).toContain('already running');
      // With no body at all (the default N) it is the same refusal, not a bad body.
      expect((await postRun(base)).status).toBe(409);
      // The rest of the lab keeps answering meanwhile.
      expect((await fetch(`${base}/api/health`)).status).toBe(200);

      const seen: LiveRunBody[] = [];
      let last = await readRun(base);
      let sawProcesses = false;
      while (last.state === 'running') {
        seen.push(last);
        if (CAN_SEE_PROCESSES && liveRunProcesses().length > 0) sawProcesses = true;
        expect(Date.now() - posted).toBeLessThan(LIVE_LOAD_LIMITS.budgetMs + 5_000);
        await new Promise((resolve) => setTimeout(resolve, 150));
        last = await readRun(base);
      }
      const wallMs = Date.now() - posted;

      // Progress moved forward, step by step, naming what ran.
      const done = seen.map((s) => s.done);
      expect(done).toEqual([...done].sort((a, b) => a - b));
      expect(new Set(done).size).toBeGreaterThan(3);
      const total = seen.at(-1)!.total;
      expect(total).toBeGreaterThan(5);
      expect(seen.map((s) => s.section)).toContain(
        'WebSocket, the lab: 10 idle connections, health, fan-out',
      );

      expect(last.state, last.error).toBe('done');
      expect(last).toMatchObject({ clients: 10, done: total, total, section: null });
      expect(wallMs).toBeLessThan(LIVE_LOAD_LIMITS.budgetMs + 1_500);
      const results = last.results!;
      expect(results).toMatchObject({ format: 'realtime-lab-load', live: true });
      expect(results.settings?.clients).toEqual([10]);
      expect(results.machine.cores).toBeGreaterThan(0);
      expect(results.durationMs).toBeLessThan(LIVE_LOAD_LIMITS.budgetMs);
      // The lab's own figures at N come first (each technique's memory beside its own baseline);
      // every held subject is measured, or a note says why not (a loaded machine skips some).
      const labels = {
        'lab websocket': 'WebSocket, the lab',
        'bare-ws websocket': 'WebSocket, bare ws',
        'socket.io websocket': 'WebSocket, Socket.IO',
        'lab sse': 'Server-Sent Events, the lab',
        'bare-fastify sse': 'Server-Sent Events, bare Fastify',
        'lab long-poll': 'Long polling, the lab',
        'bare-fastify long-poll': 'Long polling, bare Fastify',
      };
      const memory = results.memory.map((f) => `${f.subject} ${f.technique}`);
      expect(memory.slice(0, 2)).toEqual(['lab websocket', 'bare-ws websocket']);
      for (const [figure, label] of Object.entries(labels)) {
        const accounted =
          memory.includes(figure) || results.notes.some((note) => note.includes(`: ${label}`));
        expect(accounted, `${figure}: ${results.notes.join(' | ')}`).toBe(true);
      }
      expect(results.memory.every((f) => f.connections === 10)).toBe(true);
      expect(results.fanOut.some((f) => f.subject === 'lab' && f.technique === 'websocket')).toBe(
        true,
      );
      expect(results.notes[0]).toContain('A live run from the Lessons screen: 10 connections');
      // Nothing of the harness broke (what did not fit says so, in its own note).
      expect(results.notes.filter((n) => / stopped: |did not start|only \d+ of/.test(n))).toEqual(
        [],
      );

      // Done means gone: the child and every process it started have exited.
      if (CAN_SEE_PROCESSES) {
        expect(sawProcesses).toBe(true);
        expect(liveRunProcesses()).toEqual([]);
      }
      // Nothing of it was written where the bench's own runs are.
      expect(readdirSync(RESULTS_DIR).sort()).toEqual(committed);
      // The answer stays until the next run.
      expect((await readRun(base)).state).toBe('done');
    },
  );

  it.skipIf(!CAN_SEE_PROCESSES)(
    'is stopped with every process it started when the lab closes',
    { timeout: 30_000 },
    async () => {
      running = await startApp();
      const base = running.base;
      // No body: the default N, 500 a technique.
      const res = await postRun(base);
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ state: 'running', clients: 500 });
      // Once its processes have started (the first step runs), there is a crowd to stop: the
      // child, its client process and its server processes.
      await waitFor(async () => (await readRun(base)).done >= 1, 15_000, 'the first step');
      expect(liveRunProcesses().length).toBeGreaterThan(2);

      const closing = Date.now();
      await running.close();
      running = undefined;
      expect(Date.now() - closing).toBeLessThan(8_000);
      // The child has exited before the close resolved; what it started goes with it.
      await waitFor(() => liveRunProcesses().length === 0, 10_000, 'every live-run process gone');
    },
  );
});

describe('the live run’s child process', () => {
  it.skipIf(!CAN_SEE_PROCESSES)(
    'is killed at the end of its time, and says so',
    { timeout: 20_000 },
    async () => {
      const started = Date.now();
      const outcome = await new Promise<LiveOutcome>((resolve) =>
        // Less time than the child takes to start: it is still starting when its time is up.
        startLiveChild(
          { clients: 10, endsAt: started + 300 },
          { progress: () => undefined, end: resolve },
          `${process.pid}-deadline`,
        ),
      );
      expect(outcome).toEqual({ error: expect.stringContaining('so it was stopped') });
      // SIGTERM at the end, SIGKILL a second later at most.
      expect(Date.now() - started).toBeLessThan(300 + 1_000 + 1_000);
      await waitFor(() => liveRunProcesses().length === 0, 10_000, 'every live-run process gone');
    },
  );
});
