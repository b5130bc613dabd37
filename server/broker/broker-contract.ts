/**
 * The one contract every broker keeps, declared once and run against each
 * implementation (memory-broker.test.ts, redis-broker.test.ts). `makeBroker` gives a
 * new instance — one gateway's — on the backend named `group`: instances of one
 * group share ids, history and fan-out, as gateways on one broker do. Each test
 * uses a group of its own, so tests never see each other's channels.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_HISTORY_LIMITS,
  ERROR_CODES,
  LabError,
  type HistoryLimits,
  type Message,
} from '../../src/core';
import { runBrokerCloseCheck } from '../test/close-check';
import { waitFor } from '../test/wait-for';
import { subscribeFrom, type Broker, type CatchUpReport } from './broker';

export interface BrokerSetup {
  group: string;
  limits: HistoryLimits;
  /** The clock that stamps publishedAt and ages the history. */
  now: () => number;
}

export type MakeBroker = (setup: BrokerSetup) => Promise<Broker>;

const TOTAL = 1000;
const PER_PUBLISHER = TOTAL / 2;

function rejectedCode(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof LabError ? error.code : String(error)),
  );
}

/** The ids after `from` up to `to`: from+1, from+2, …, to. */
function idsAfter(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + 1 + i);
}

/** `count` instances on the running test's backend; all closed after each test. */
type Brokers = (count: number, limits?: HistoryLimits, now?: () => number) => Promise<Broker[]>;

function useBrokers(makeBroker: MakeBroker): Brokers {
  let opened: Broker[] = [];
  let groupSeq = 0;
  let group = '';
  afterEach(async () => {
    await Promise.all(opened.map((broker) => broker.close()));
    opened = [];
    group = '';
  });
  return async (count, limits = DEFAULT_HISTORY_LIMITS, now = Date.now) => {
    if (group === '') group = `g${Date.now().toString(36)}-${groupSeq++}`;
    const made = await Promise.all(
      Array.from({ length: count }, () => makeBroker({ group, limits, now })),
    );
    opened.push(...made);
    return made;
  };
}

/** Two publishers, 500 messages each as fast as they can; `onPublished` sees each id. */
async function publishRace(
  a: Broker,
  b: Broker,
  channel: string,
  onPublished: (id: number) => void,
): Promise<void> {
  const run = async (broker: Broker, from: string): Promise<void> => {
    for (let i = 0; i < PER_PUBLISHER; i++) {
      const message = await broker.publish(channel, { from, text: `${from} ${i}` });
      onPublished(message.id);
    }
  };
  await Promise.all([run(a, 'alice'), run(b, 'bob')]);
}

function idAndDeliveryCases(brokers: Brokers): void {
  it('gives ids from 1, one more per message, per channel', async () => {
    const [a, b] = await brokers(2);
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await a!.publish('red', { from: 'alice', text: `r${i}` })).id);
      ids.push((await b!.publish('red', { from: 'bob', text: `r${i}` })).id);
    }
    expect(ids).toEqual([1, 2, 3, 4, 5, 6]);
    const blue = await b!.publish('blue', { from: 'bob', text: 'b', type: 'note', sentAt: 5 });
    expect(blue).toMatchObject({ id: 1, channel: 'blue', type: 'note', from: 'bob', sentAt: 5 });
    expect(typeof blue.publishedAt).toBe('number');
    expect((await a!.publish('red', { from: 'alice', text: 'x' })).type).toBe('message');
  });

  it('delivers a publish to every subscriber on every instance, once', async () => {
    const [a, b, c] = await brokers(3);
    const got: Record<string, Message[]> = { a1: [], a2: [], b: [], c: [] };
    await a!.subscribe('room', (m) => got.a1!.push(m));
    await a!.subscribe('room', (m) => got.a2!.push(m));
    await b!.subscribe('room', (m) => got.b!.push(m));
    await c!.subscribe('other', (m) => got.c!.push(m));
    const sent = await c!.publish('room', { from: 'carol', text: 'hi' });
    await waitFor(() => Object.values(got).every((list, i) => i === 3 || list.length > 0));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(got.a1).toEqual([sent]);
    expect(got.a2).toEqual([sent]);
    expect(got.b).toEqual([sent]);
    expect(got.c).toEqual([]);
  });

  it('stops delivering after unsubscribe (and unsubscribe twice is harmless)', async () => {
    const [a, b] = await brokers(2);
    const got: number[] = [];
    const stop = await a!.subscribe('room', (m) => got.push(m.id));
    await b!.publish('room', { from: 'bob', text: '1' });
    await waitFor(() => got.length === 1);
    await stop();
    await stop();
    await b!.publish('room', { from: 'bob', text: '2' });
    const seen: number[] = [];
    await a!.subscribe('room', (m) => seen.push(m.id));
    await b!.publish('room', { from: 'bob', text: '3' });
    await waitFor(() => seen.length === 1);
    expect(got).toEqual([1]);
    expect(seen).toEqual([3]);
  });
}

function historyCases(brokers: Brokers): void {
  it('reads the history after an id, oldest first', async () => {
    const [a, b] = await brokers(2);
    for (let i = 0; i < 5; i++) await (i % 2 ? a! : b!).publish('log', { from: 'x', text: `${i}` });
    const all = await a!.since('log', 0);
    expect(all.messages.map((m) => m.id)).toEqual([1, 2, 3, 4, 5]);
    expect(all.messages.map((m) => m.text)).toEqual(['0', '1', '2', '3', '4']);
    expect(all).toMatchObject({ lastId: 5, missed: false });
    const after = await b!.since('log', 3);
    expect(after.messages.map((m) => m.id)).toEqual([4, 5]);
    expect(after).toMatchObject({ lastId: 5, missed: false });
    expect(await a!.since('log', 5)).toEqual({ messages: [], lastId: 5, missed: false });
    expect(await a!.since('empty', 0)).toEqual({ messages: [], lastId: 0, missed: false });
  });

  it('keeps a bounded history and says missed when the limits dropped some', async () => {
    const limits = { maxCount: 10, maxAgeMs: DEFAULT_HISTORY_LIMITS.maxAgeMs };
    const [a, b] = await brokers(2, limits);
    for (let i = 0; i < 250; i++)
      await (i % 2 ? a! : b!).publish('busy', { from: 'x', text: `${i}` });
    const all = await a!.since('busy', 0);
    expect(all.messages.map((m) => m.id)).toEqual(idsAfter(240, 250));
    expect(all).toMatchObject({ lastId: 250, missed: true });
    const recent = await b!.since('busy', 244);
    expect(recent.messages.map((m) => m.id)).toEqual(idsAfter(244, 250));
    expect(recent.missed).toBe(false);
    expect((await b!.since('busy', 240)).missed).toBe(false);
    expect((await b!.since('busy', 239)).missed).toBe(true);
  });

  it('refuses a bad channel name (RL_ERR_BAD_CHANNEL) and a bad since (RL_ERR_BAD_SINCE)', async () => {
    const [a] = await brokers(1);
    const code = ERROR_CODES.BAD_CHANNEL;
    expect(await rejectedCode(a!.publish('Bad!', { from: 'x', text: 'y' }))).toBe(code);
    expect(await rejectedCode(a!.since('', 0))).toBe(code);
    expect(await rejectedCode(a!.subscribe('a'.repeat(65), () => undefined))).toBe(code);
    expect(await rejectedCode(subscribeFrom(a!, 'no space', 0, () => undefined))).toBe(code);
  });

  it('rejects calls after close, and close twice is harmless', async () => {
    const [a] = await brokers(1);
    await a!.close();
    await a!.close();
    expect(await rejectedCode(a!.publish('room', { from: 'x', text: 'y' }))).toBe(
      ERROR_CODES.BROKER_DOWN,
    );
  });
}

function ageCase(brokers: Brokers): void {
  it('forgets messages older than maxAgeMs, saying missed', async () => {
    let clock = 1_000_000;
    const limits = { maxCount: 100, maxAgeMs: 1_000 };
    const [a, b] = await brokers(2, limits, () => clock);
    for (let i = 0; i < 3; i++) await a!.publish('aging', { from: 'x', text: `old ${i}` });
    clock += 1_500;
    for (let i = 0; i < 2; i++) await b!.publish('aging', { from: 'x', text: `new ${i}` });
    const all = await b!.since('aging', 0);
    expect(all.messages.map((m) => m.id)).toEqual([4, 5]);
    expect(all.messages[0]?.publishedAt).toBe(clock);
    expect(all).toMatchObject({ lastId: 5, missed: true });
    expect((await a!.since('aging', 3)).missed).toBe(false);
  });
}

function resumeCases(name: string, brokers: Brokers): void {
  it('resumes under concurrent publishes: exactly k+1 … 1000, each once, in order', async () => {
    const [a, b, c] = await brokers(3);
    const received: number[] = [];
    const reports: CatchUpReport[] = [];
    let resumedFrom = -1;
    let resuming: Promise<unknown> | undefined;
    await publishRace(a!, b!, 'race', (id) => {
      if (resuming || id < 300) return;
      resumedFrom = id - 100;
      resuming = subscribeFrom(c!, 'race', resumedFrom, (m) => received.push(m.id), {
        onCatchUp: (report) => reports.push(report),
      });
    });
    await resuming;
    await waitFor(() => received.length >= TOTAL - resumedFrom, 10_000, 'the resumed messages');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(resumedFrom).toBeGreaterThanOrEqual(200);
    expect(received).toEqual(idsAfter(resumedFrom, TOTAL));
    // The history part was real: at least the 100 ids before the trigger came from it.
    expect(reports[0]?.after).toBe(resumedFrom);
    expect(reports[0]?.fromHistory).toBeGreaterThanOrEqual(100);
    if (process.env.LAB_BROKER_FIGURES === '1') console.log(name, 'resume', resumedFrom, reports);
  });

  it('resumes from its last id after its subscriber was dropped, missing nothing', async () => {
    const [a, b, first] = await brokers(3);
    const received: number[] = [];
    let phase: 'first' | 'dropped' | 'second' = 'first';
    let dropping: Promise<void> | undefined;
    const stopFirst = await subscribeFrom(first!, 'drop', 0, (m) => {
      if (phase === 'first') received.push(m.id);
    });
    await publishRace(a!, b!, 'drop', () => {
      if (phase !== 'first' || received.length < 300) return;
      phase = 'dropped';
      dropping = (async () => {
        await stopFirst();
        await first!.close();
        const [second] = await brokers(1);
        const lastId = received.at(-1) ?? 0;
        await subscribeFrom(second!, 'drop', lastId, (m) => received.push(m.id));
        phase = 'second';
      })();
    });
    await dropping;
    await waitFor(() => received.length >= TOTAL, 10_000, 'every message');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(phase).toBe('second');
    expect(received).toEqual(idsAfter(0, TOTAL));
  });
}

export interface ContractOptions {
  /** The Redis the close check's own process connects to (none: the memory broker). */
  redisUrl?: () => string;
}

export function brokerContract(
  name: string,
  makeBroker: MakeBroker,
  options: ContractOptions = {},
): void {
  describe(`broker contract: ${name}`, () => {
    const brokers = useBrokers(makeBroker);
    idAndDeliveryCases(brokers);
    historyCases(brokers);
    ageCase(brokers);
    resumeCases(name, brokers);
    it('close leaves no open handle: a process that used the broker exits by itself', async () => {
      const { code, output } = await runBrokerCloseCheck(options.redisUrl?.());
      expect(output).toContain('closed');
      expect(code).toBe(0);
    });
  });
}
