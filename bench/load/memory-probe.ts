/**
 * Preloaded into every server process of the load lab (`node --expose-gc
 * --min-semi-space-size=16 --max-semi-space-size=16 --import tsx --import
 * ./bench/load/memory-probe.ts <server>`), the lab's own `server/main.ts` as the baselines.
 * On an IPC `memory` request it churns short-lived objects (so that both halves of the
 * young generation, fixed at full size by those flags, are resident in every reading),
 * forces two full GCs and answers with `process.memoryUsage()` and its open TCP sockets;
 * `sockets` answers the count alone, without a GC. When the bench goes away (its IPC
 * channel closes), the server is sent SIGTERM, so that nothing outlives a killed bench.
 */
import type { CpuReading, Envelope, MemoryReading, ProbeCommand, Reply } from './protocol';

function forceGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the server process needs --expose-gc');
  gc();
}

function tcpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

/** Where the churned objects go for a moment: stored, they cannot be optimised away. */
const ring: unknown[] = new Array<unknown>(64);

/** ~80 MB of objects that die at once: the young generation is cycled through, all of it touched. */
function churnYoungGeneration(): void {
  for (let i = 0; i < 1_500_000; i += 1) ring[i & 63] = { i, list: [i] };
  ring.fill(undefined);
}

async function reading(): Promise<MemoryReading> {
  churnYoungGeneration();
  forceGc();
  // Weak callbacks and finalizers run after the first collection; the second frees what they let go.
  await new Promise((resolve) => setImmediate(resolve));
  forceGc();
  const usage = process.memoryUsage();
  return {
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    external: usage.external,
    sockets: tcpSockets(),
  };
}

function isProbeCommand(value: unknown): value is Envelope<ProbeCommand> {
  const v = value as Partial<Envelope<ProbeCommand>> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    (v.op === 'memory' || v.op === 'sockets' || v.op === 'cpu') &&
    typeof v.id === 'number'
  );
}

async function answer(command: ProbeCommand): Promise<MemoryReading | CpuReading | number> {
  if (command.op === 'memory') return reading();
  if (command.op === 'cpu') return process.cpuUsage();
  return tcpSockets();
}

if (process.send) {
  process.on('message', (message: unknown) => {
    if (!isProbeCommand(message)) return;
    answer(message).then(
      (result) => process.send?.({ id: message.id, ok: true, result } satisfies Reply<unknown>),
      (err: unknown) =>
        process.send?.({ id: message.id, ok: false, error: String(err) } satisfies Reply<never>),
    );
  });
  // The channel must not keep a server alive by itself, nor leave it running when the bench is gone.
  process.channel?.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
