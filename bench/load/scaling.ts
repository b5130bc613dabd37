/**
 * The Scaling section: the lab's own two-gateway topology (`POST /api/scale` on a lab server
 * of its own), N WebSocket receivers held on gateway-2's port, and timed publishes (HTTP POST,
 * as the fan-out section sends them) fanned out to all of them, timed on the machine clock:
 * on the memory broker, through gateway-2 itself (one gateway: the baseline) and through
 * gateway-1 across the broker, interleaved so that the machine's noise falls on both alike;
 * then on Redis, through gateway-1 across Redis. Each topology is stopped (`DELETE /api/scale`)
 * once its receivers are closed, and the server is checked to let go of every connection.
 */
import type { CrossGatewayBroker } from '../../src/core/load-results';
import { crossGatewayReceivers, type LoadConfig } from './config';
import { closeAndAudit, type LoadStep, type RunContext } from './context';
import { summarizeFanOut, type PublishDeliveries } from './measure';
import { send, sleep } from './pool';
import type { ServerChild } from './processes';
import { machineNow, timedText } from './protocol';
import { ScaleRefused, startTopology, stopTopology, type ScaleBroker } from './scale-api';
import type { ServerKey } from './targets';

const KEY: ServerKey = 'lab:scale';

/** Where a measured publish enters the topology, and what it crosses to reach gateway-2. */
interface PublishPath {
  broker: CrossGatewayBroker;
  /** The port of the gateway the publish is sent to. */
  port: number;
}

const BROKER_NAMES: Record<ScaleBroker, string> = { memory: 'the memory broker', redis: 'Redis' };

/** One timed publish through `path`, and every receiver's latency to it. */
async function fanOutOnce(
  run: RunContext,
  path: PublishPath,
  channel: string,
  tag: string,
): Promise<PublishDeliveries> {
  const answer = await send(`http://127.0.0.1:${path.port}/api/channels/${channel}/messages`, {
    method: 'POST',
    body: { from: 'load', text: timedText(tag, machineNow()) },
  });
  if (answer.status !== 201)
    throw new Error(`publish answered ${answer.status}: ${answer.body.slice(0, 200)}`);
  const { counts, expected } = await run.pool.collect(tag, 1, run.config.fanOutWaitMs);
  return { counts, expected };
}

/** A warm-up publish a path (not counted), then the publishes, one on each path in turn. */
async function measurePaths(
  run: RunContext,
  paths: readonly PublishPath[],
  channel: string,
  receivers: number,
): Promise<void> {
  // The warm-up makes sure gateway-2's subscription is live and the code is compiled.
  for (const path of paths) await fanOutOnce(run, path, channel, `scale-${path.broker}-warm-up`);
  const publishes = paths.map((): PublishDeliveries[] => []);
  for (let k = 1; k <= run.config.fanOutPublishes; k += 1) {
    for (const [i, path] of paths.entries()) {
      run.signal.throwIfAborted();
      const tag = `scale-${path.broker}-${receivers}-${k}`;
      publishes[i]!.push(await fanOutOnce(run, path, channel, tag));
      await sleep(100);
    }
  }
  for (const [i, path] of paths.entries()) {
    const summary = summarizeFanOut(publishes[i]!);
    run.results.crossGateway.push({ broker: path.broker, receivers, ...summary });
    if (summary.missing > 0)
      run.results.notes.push(
        `Scaling lab (${path.broker === 'none' ? 'one gateway' : `across ${path.broker}`}) to ${receivers}: ${summary.missing} deliveries did not arrive within ${run.config.fanOutWaitMs} ms.`,
      );
  }
}

/** One topology on `broker`: receivers on gateway-2, then its publish paths measured. */
async function measureBroker(
  run: RunContext,
  lab: ServerChild,
  broker: ScaleBroker,
  receivers: number,
): Promise<void> {
  const gateways = await startTopology(lab.base, broker);
  // A channel of its own per topology: nothing of the other one is replayed or kept.
  const channel = `load-scale-${broker}`;
  const url = `ws://127.0.0.1:${gateways.second}/api/channels/${channel}/ws`;
  const { errors } = await run.pool.add('ws', url, receivers);
  if (run.pool.total < receivers) {
    const why = errors.length > 0 ? ` (${errors.join('; ')})` : '';
    throw new Error(`only ${run.pool.total} of ${receivers} receivers opened on gateway-2${why}`);
  }
  run.log(`  ${broker}: ${run.pool.total} receivers on gateway-2`);
  const paths: PublishPath[] =
    broker === 'memory'
      ? [
          { broker: 'none', port: gateways.second },
          { broker: 'memory', port: gateways.first },
        ]
      : [{ broker: 'redis', port: gateways.first }];
  await measurePaths(run, paths, channel, receivers);
}

/** Stops the topology (none running is fine); a failure is noted, not thrown. */
async function stopQuietly(run: RunContext, lab: ServerChild): Promise<void> {
  try {
    await stopTopology(lab.base);
  } catch (err) {
    run.results.notes.push(
      `The Scaling-lab topology did not stop: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

function noteFailure(run: RunContext, broker: ScaleBroker, err: unknown): void {
  if (err instanceof ScaleRefused) {
    run.results.notes.push(
      `Scaling lab across ${BROKER_NAMES[broker]}: not measured, the lab refused the topology (${err.status}${err.code ? ` ${err.code}` : ''}: ${err.message}).`,
    );
    return;
  }
  run.results.notes.push(
    `Scaling lab (${broker} broker) stopped: ${err instanceof Error ? err.message : String(err)}`,
  );
}

/** The memory topology (with the one-gateway baseline), then the Redis one when a Redis is had. */
async function scalingSection(run: RunContext): Promise<void> {
  const lab = run.servers.get(KEY);
  if (!lab) return; // that it did not start is noted already
  const receivers = crossGatewayReceivers(run.config);
  run.log(
    `scaling lab: one publish to ${receivers} WebSocket receivers on gateway-2, through gateway-2 and through gateway-1`,
  );
  for (const broker of ['memory', 'redis'] as const) {
    run.signal.throwIfAborted();
    if (broker === 'redis' && run.redis.url === null) {
      run.results.notes.push(`Scaling lab across Redis: not measured, ${run.redis.why}.`);
      continue;
    }
    try {
      await measureBroker(run, lab, broker, receivers);
    } catch (err) {
      if (run.signal.aborted) throw err;
      noteFailure(run, broker, err);
    } finally {
      if (!run.signal.aborted) await closeAndAudit(run, KEY, () => stopQuietly(run, lab));
    }
  }
}

/** The section as one step of the run: last, and the first a bounded (live) run leaves out. */
export function scalingSteps(config: LoadConfig): LoadStep[] {
  const receivers = crossGatewayReceivers(config);
  const topologies = config.crossGatewayRedis ? 2 : 1;
  return [
    {
      label: `Scaling lab: one publish to ${receivers.toLocaleString('en')} WebSocket receivers across gateways`,
      // A topology started and stopped, its receivers opened, and each path's publishes waited for.
      estimateMs: topologies * (4_000 + 3 * config.fanOutPublishes * config.fanOutWaitMs * 0.2),
      priority: 4,
      run: scalingSection,
    },
  ];
}
