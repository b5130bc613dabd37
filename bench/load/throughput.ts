/**
 * The throughput section: 1,000 WebSocket receivers (`LOAD_THROUGHPUT_RECEIVERS`), one
 * publisher socket in the bench sending timed publishes at a steady rate for a few
 * seconds, the rate doubled while p99 delivery stays within 100 ms with nothing lost,
 * then the gap between the last rate that held and the first that did not halved.
 */
import WebSocket from 'ws';
import { io as ioClient, type Socket } from 'socket.io-client';
import type { LoadSubject } from '../../src/core/load-results';
import { SUBJECT_NAMES } from '../../src/core/load-view';
import { throughputEstimateMs } from './budget';
import type { LoadConfig } from './config';
import { closeAndAudit, server, type LoadStep, type RunContext } from './context';
import { nextRate, quantileOfCounts, sustainedRate, type RateStep } from './measure';
import { sleep } from './pool';
import { machineNow, timedText } from './protocol';
import { TARGETS, type Target } from './targets';

interface Publisher {
  send(text: string): void;
  /** Bytes queued and not yet written: the publisher falls behind when this grows. */
  buffered(): number;
  close(): void;
}

function wsPublisher(url: string): Promise<Publisher> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        send: (text) => socket.send(JSON.stringify({ op: 'publish', text })),
        buffered: () => socket.bufferedAmount,
        close: () => socket.terminate(),
      }),
    );
  });
}

function socketIoPublisher(url: string): Promise<Publisher> {
  return new Promise((resolve, reject) => {
    const socket: Socket = ioClient(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
    socket.once('connect', () =>
      resolve({
        send: (text) => socket.emit('publish', text),
        buffered: () => 0,
        close: () => socket.disconnect(),
      }),
    );
  });
}

const TICK_MS = 10;
const MAX_BUFFERED = 1 << 20;

/** Publishes at `rate` a second for the step's time; how many it sent, over how long. */
async function publishAt(
  publisher: Publisher,
  tag: string,
  rate: number,
  ms: number,
): Promise<{ sent: number; seconds: number }> {
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < ms) {
    const due = Math.floor((rate * (performance.now() - started)) / 1_000) - sent;
    for (let i = 0; i < due && publisher.buffered() < MAX_BUFFERED; i += 1) {
      publisher.send(timedText(tag, machineNow()));
      sent += 1;
    }
    await sleep(TICK_MS);
  }
  return { sent, seconds: (performance.now() - started) / 1_000 };
}

async function runStep(
  run: RunContext,
  publisher: Publisher,
  subject: LoadSubject,
  rate: number,
  label = '',
): Promise<RateStep> {
  const tag = `thr-${subject}-${rate}${label}`;
  const { sent, seconds } = await publishAt(publisher, tag, rate, run.config.throughputStepMs);
  // The backlog drains after the last publish: what arrives later than the bound is lost.
  const { counts, received } = await run.pool.collect(tag, sent, 3_000);
  const step: RateStep = {
    perSecond: rate,
    p99Ms: quantileOfCounts(counts, 0.99),
    missing: Math.max(0, run.pool.total * sent - received),
    sentPerSecond: sent / seconds,
  };
  run.log(
    `  ${subject} ${rate}/s${label ? ` (${label})` : ''}: p99 ${step.p99Ms.toFixed(1)} ms, ${step.missing} missing, sent ${step.sentPerSecond.toFixed(0)}/s`,
  );
  await sleep(300);
  return step;
}

async function searchTarget(run: RunContext, target: Target): Promise<void> {
  const child = server(run, target.server);
  const { opened } = await run.pool.add(
    target.kind,
    target.url(child.base),
    run.config.throughputReceivers,
  );
  if (opened < run.config.throughputReceivers)
    throw new Error(`only ${opened} of ${run.config.throughputReceivers} receivers opened`);
  const publisher = await (target.kind === 'socket.io'
    ? socketIoPublisher(child.base)
    : wsPublisher(target.url(child.base)));
  const {
    budgetMs,
    throughputFirstRate: first,
    throughputMaxRate: max,
    throughputMaxSteps: maxSteps,
  } = run.config;
  const steps: RateStep[] = [];
  try {
    // A first step, not counted: the server's and the clients' code is compiled before it is timed.
    await runStep(run, publisher, target.subject, first, 'warm-up');
    for (
      let rate = nextRate(steps, budgetMs, { first, max, maxSteps });
      rate !== undefined;
      rate = nextRate(steps, budgetMs, { first, max, maxSteps })
    ) {
      run.signal.throwIfAborted();
      steps.push(await runStep(run, publisher, target.subject, rate));
    }
  } finally {
    publisher.close();
  }
  const best = sustainedRate(steps, budgetMs);
  run.results.throughput.push({
    subject: target.subject,
    receivers: run.pool.total,
    budgetMs,
    messagesPerSecond: best.perSecond,
    p99Ms: best.p99Ms,
    ...(best.failedAt === undefined ? {} : { failedAtPerSecond: best.failedAt }),
  });
  if (best.failedAt === undefined)
    run.results.notes.push(
      `${target.subject} throughput: every rate tried held (up to ${best.perSecond}/s); the search ran out of steps (or reached its maximum rate) before the budget was passed.`,
    );
}

/** One step per WebSocket subject: its search; what breaks is noted (the run goes on). */
export function throughputSteps(config: LoadConfig): LoadStep[] {
  return TARGETS.websocket.map((target, i) => ({
    label: `Throughput, ${SUBJECT_NAMES[target.subject]}: messages a second to ${config.throughputReceivers.toLocaleString('en')} WebSocket receivers`,
    estimateMs: throughputEstimateMs(config),
    priority: 3,
    run: async (run: RunContext) => {
      if (i === 0)
        run.log(
          `throughput: messages a second to ${run.config.throughputReceivers} WebSocket receivers within p99 ${run.config.budgetMs} ms`,
        );
      try {
        await searchTarget(run, target);
      } catch (err) {
        if (run.signal.aborted) throw err;
        run.results.notes.push(
          `${target.subject} throughput stopped: ${err instanceof Error ? err.message : String(err)}`,
        );
      } finally {
        if (!run.signal.aborted) await closeAndAudit(run, target.server);
      }
    },
  }));
}
