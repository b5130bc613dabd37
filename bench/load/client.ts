/**
 * A load-lab client process (`node --import tsx bench/load/client.ts`, started by the
 * bench with an IPC channel): it opens and holds connections when asked, tallies the
 * latency of every timed publish they receive, runs autocannon, and closes everything
 * (answering how many TCP sockets it still has, 0 when all are closed). It exits when
 * the bench's channel closes.
 */
import autocannon from 'autocannon';
import { destroyAgents, openConnection, type Held } from './connections';
import { LatencyTally } from './measure';
import type {
  AutocannonCommand,
  ClientCommand,
  ClientResults,
  CloseCommand,
  CollectCommand,
  Envelope,
  OpenCommand,
  Reply,
} from './protocol';

const held = new Set<Held>();
const tallies = new Map<string, LatencyTally>();
const waiting = new Map<string, () => void>();
let dropped = 0;

function tallyOf(tag: string): LatencyTally {
  let tally = tallies.get(tag);
  if (!tally) {
    tally = new LatencyTally();
    tallies.set(tag, tally);
  }
  return tally;
}

function onTimed(tag: string, latencyMs: number): void {
  tallyOf(tag).add(latencyMs);
  waiting.get(tag)?.();
}

async function openOne(command: OpenCommand, index: number): Promise<void> {
  const localAddress = command.addresses[(command.offset + index) % command.addresses.length]!;
  const connection = await openConnection(command.kind, {
    url: command.url,
    localAddress,
    onTimed,
    onDrop: () => {
      dropped += 1;
      held.delete(connection);
    },
  });
  held.add(connection);
  void connection.closed.then(() => held.delete(connection));
}

async function open(command: OpenCommand): Promise<ClientResults['open']> {
  const deadline = Date.now() + command.timeoutMs;
  const errors: string[] = [];
  let next = 0;
  let opened = 0;
  let failed = 0;
  const lane = async (): Promise<void> => {
    while (next < command.count && Date.now() < deadline) {
      const index = next++;
      try {
        await openOne(command, index);
        opened += 1;
      } catch (err) {
        failed += 1;
        if (errors.length < 3) errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  const lanes = Math.max(1, Math.min(command.concurrency, command.count));
  await Promise.all(Array.from({ length: lanes }, lane));
  return { opened, failed, errors, open: held.size, dropped };
}

async function collect(command: CollectCommand): Promise<ClientResults['collect']> {
  const tally = tallyOf(command.tag);
  if (tally.count < command.expected) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, command.waitMs);
      waiting.set(command.tag, () => {
        if (tally.count < command.expected) return;
        clearTimeout(timer);
        resolve();
      });
    });
    waiting.delete(command.tag);
  }
  tallies.delete(command.tag);
  return { counts: tally.counts(), received: tally.count };
}

async function cannon(command: AutocannonCommand): Promise<ClientResults['autocannon']> {
  const result = await autocannon({
    url: command.url,
    connections: command.connections,
    duration: command.seconds,
  });
  return {
    answered: result['2xx'],
    requestsPerSecond: result['2xx'] / Math.max(result.duration, 1e-9),
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function tcpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

async function close(command: CloseCommand): Promise<ClientResults['close']> {
  const all = [...held];
  for (const connection of all) connection.close();
  const deadline = Date.now() + command.timeoutMs;
  await Promise.race([
    Promise.all(all.map((c) => c.closed)),
    new Promise((resolve) => setTimeout(resolve, command.timeoutMs)),
  ]);
  held.clear();
  destroyAgents();
  // A closed socket's handle goes on the next turns of the loop.
  while (tcpSockets() > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { closed: all.length, sockets: tcpSockets(), dropped };
}

function run(command: ClientCommand): Promise<ClientResults[keyof ClientResults]> {
  switch (command.op) {
    case 'open':
      return open(command);
    case 'collect':
      return collect(command);
    case 'autocannon':
      return cannon(command);
    case 'close':
      return close(command);
  }
}

process.on('message', (message: Envelope<ClientCommand>) => {
  run(message).then(
    (result) => process.send?.({ id: message.id, ok: true, result } satisfies Reply<unknown>),
    (err: unknown) =>
      process.send?.({
        id: message.id,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      } satisfies Reply<never>),
  );
});

// Ready: the bench sends nothing before this (a message sent before the listener is set would be lost).
process.send?.({ id: 0, ok: true, result: 'ready' } satisfies Reply<string>);

process.on('disconnect', () => {
  for (const connection of held) connection.close();
  destroyAgents();
  setTimeout(() => process.exit(0), 500).unref();
});
