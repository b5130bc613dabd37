import { describe, expect, it, vi } from 'vitest';
import type { Technique, TraceEventInput } from '../core';
import { Session } from './session';
import {
  DEFAULT_KNOBS,
  type Knobs,
  type Transport,
  type TransportOptions,
  type TransportState,
} from './types';

class FakeTransport implements Transport {
  state: TransportState = 'idle';
  sent: string[] = [];
  knobs: Knobs;
  constructor(
    readonly technique: Technique,
    readonly options: TransportOptions,
  ) {
    this.knobs = options.knobs;
  }
  get lastId(): number | undefined {
    return this.options.since;
  }
  start(): void {
    this.state = 'open';
  }
  stop(): void {
    if (this.state !== 'idle') this.state = 'closed';
  }
  send(text: string): Promise<number> {
    this.sent.push(text);
    this.options.emit({
      t: 1,
      observer: 'client',
      actor: this.options.actor,
      technique: this.technique,
      conn: 'c',
      kind: 'publish',
      dir: 'none',
    });
    return Promise.resolve(this.sent.length);
  }
}

function setup(extra: Partial<ConstructorParameters<typeof Session>[0]> = {}) {
  const built: FakeTransport[] = [];
  const appended: TraceEventInput[] = [];
  const session = new Session({
    technique: 'long-poll',
    syncLastId: false,
    receivers: ['bob', 'carol'],
    store: { append: (e) => appended.push(e) },
    createTransport: (technique, options) => {
      const t = new FakeTransport(technique, options);
      built.push(t);
      return t;
    },
    ...extra,
  });
  return { session, built, appended };
}

describe('Session', () => {
  it('starts one sender and the receivers, each with its own transport', async () => {
    const { session, built } = setup();
    expect(session.participants().map((p) => [p.actor, p.role, p.state])).toEqual([
      ['alice', 'sender', 'idle'],
      ['bob', 'receiver', 'idle'],
      ['carol', 'receiver', 'idle'],
    ]);
    await session.start();
    expect(built.map((t) => [t.options.actor, t.options.receive, t.state])).toEqual([
      ['alice', false, 'open'],
      ['bob', true, 'open'],
      ['carol', true, 'open'],
    ]);
    await session.start(); // idempotent
    expect(built).toHaveLength(3);
    session.stop();
    expect(built.every((t) => t.state === 'closed')).toBe(true);
    expect(session.running).toBe(false);
  });

  it('sends from the sender and forwards trace steps to the store', async () => {
    const { session, built, appended } = setup();
    await session.start();
    await expect(session.send('hi')).resolves.toBe(1);
    expect(built[0]!.sent).toEqual(['hi']);
    expect(appended.map((e) => [e.actor, e.kind])).toEqual([['alice', 'publish']]);
  });

  it('adds and removes receivers while running', async () => {
    const { session, built } = setup();
    await session.start();
    expect(session.addReceiver()).toBe('dave');
    expect(built.at(-1)!.state).toBe('open');
    expect(() => session.addReceiver('bob')).toThrow(/already/);
    expect(() => session.addReceiver('Bad Name')).toThrow(/a-z/);
    session.removeReceiver('bob');
    expect(built[1]!.state).toBe('closed');
    expect(session.receivers).toEqual(['carol', 'dave']);
    session.removeReceiver('alice'); // the sender stays
    expect(session.sender).toBe('alice');
  });

  it('restarts a transport without updateKnobs, resuming where it was', async () => {
    const { session, built } = setup();
    await session.start();
    session.setKnobs({ ...DEFAULT_KNOBS, longPollTimeoutMs: 1000 });
    expect(built).toHaveLength(6);
    expect(built.slice(0, 3).every((t) => t.state === 'closed')).toBe(true);
    expect(
      built.slice(3).every((t) => t.state === 'open' && t.knobs.longPollTimeoutMs === 1000),
    ).toBe(true);
  });

  it('calls updateKnobs when the transport has it', async () => {
    const update = vi.fn();
    const { session, built } = setup();
    await session.start();
    for (const t of built) Object.assign(t, { updateKnobs: update });
    session.setKnobs({ ...DEFAULT_KNOBS, pollIntervalMs: 500 });
    expect(update).toHaveBeenCalledTimes(3);
    expect(built).toHaveLength(3);
  });

  it('asks the server for the last id first, and starts receivers after it', async () => {
    const fetchMock = vi.fn(() => Promise.resolve(new Response('{"messages":[],"lastId":41}')));
    vi.stubGlobal('fetch', fetchMock);
    try {
      const { session, built } = setup({ syncLastId: true, baseUrl: 'http://h' });
      const starting = session.start();
      session.stop(); // stopped while syncing: nothing starts
      await starting;
      expect(built).toHaveLength(0);
      await session.start();
      expect(built.map((t) => t.options.since)).toEqual([41, 41, 41]);
      expect(String((fetchMock.mock.calls[0] as unknown[])[0])).toContain('since=9007199254740991');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('holds a send made while syncing until the receivers have started after the last id', async () => {
    let answer: (response: Response) => void = () => undefined;
    const fetchMock = vi.fn(
      () =>
        new Promise<Response>((resolve) => {
          answer = resolve;
        }),
    );
    vi.stubGlobal('fetch', fetchMock);
    try {
      const { session, built } = setup({ syncLastId: true, baseUrl: 'http://h' });
      const starting = session.start();
      const sending = session.send('early');
      await new Promise((resolve) => setTimeout(resolve, 10));
      // Published now, the sync could answer with its id and every receiver would start after it.
      expect(built.flatMap((t) => t.sent)).toEqual([]);
      answer(new Response('{"messages":[],"lastId":41}'));
      await starting;
      expect(await sending).toBe(1);
      const receivers = built.filter((t) => t.options.receive);
      expect(receivers.map((t) => [t.state, t.options.since])).toEqual([
        ['open', 41],
        ['open', 41],
      ]);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
