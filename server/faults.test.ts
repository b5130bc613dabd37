import { afterEach, describe, expect, it } from 'vitest';
import { observeTrace, publish, startApp, type Running } from './test/helpers';
import { waitFor } from './test/wait-for';
import { ERROR_CODES, WS_OPCODES } from '../src/core';
import { openSse, TestSocket } from './test/clients';
import { clientFrame } from './test/frame-codec';
import { RawWebSocket } from './test/raw-websocket';

async function setFaults(base: string, body: unknown): Promise<Response> {
  return fetch(`${base}/api/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('faults', () => {
  let running: Running;
  afterEach(async () => running?.close());

  it('reads and sets the settable fields, refusing bad ones', async () => {
    running = await startApp();
    const { base } = running;
    expect(await (await fetch(`${base}/api/faults`)).json()).toEqual({
      latencyMs: { up: 0, down: 0 },
      blockWebSockets: false,
      restartingUntil: null,
      lastRestart: null,
    });
    const set = await setFaults(base, { latencyMs: { down: 40 }, blockWebSockets: true });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({
      latencyMs: { up: 0, down: 40 },
      blockWebSockets: true,
      restartingUntil: null,
      lastRestart: null,
    });
    for (const bad of [
      { latencyMs: { up: -1 } },
      { drop: false },
      { silence: false },
      { blockWebSockets: 'yes' },
      { restart: { downForMs: 60_001 } },
      [1],
    ]) {
      const res = await setFaults(base, bad);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'RL_ERR_BAD_FAULT' });
    }
    expect(
      ((await (await fetch(`${base}/api/faults`)).json()) as { latencyMs: unknown }).latencyMs,
    ).toEqual({ up: 0, down: 40 });
  });

  it('half-open: open streams and held polls go silent until their clients notice and close them', async () => {
    running = await startApp();
    const { base, wsBase, app } = running;
    const observer = await TestSocket.open(`${wsBase}/api/observe`);
    await observer.next();
    const faults = (): Array<{ details: { fault: string; note: string; faultPhase?: string } }> =>
      observer.frames
        .map((f) => (f as { event?: { kind: string } }).event)
        .filter((e) => e?.kind === 'fault') as never;
    const { reader, abort } = await openSse(
      `${base}/api/channels/quiet/events?heartbeat=250&heartbeatAs=event`,
    );
    await waitFor(() => reader.events().some((e) => e.event === 'heartbeat'), 2_000, 'a heartbeat');
    const poll = new AbortController();
    const held = fetch(`${base}/api/channels/quiet/long-poll?since=0&timeout=500`, {
      signal: poll.signal,
    }).catch(() => null);
    await waitFor(() => app.lab.stats().heldPolls === 1);

    expect((await setFaults(base, { silence: true })).status).toBe(200);
    await waitFor(() => faults().length === 1);
    expect(faults()[0]!.details).toMatchObject({ fault: 'half-open', faultPhase: 'start' });
    expect(faults()[0]!.details.note).toMatch(/^2 connections went silent/);
    const before = reader.raw.length;
    await publish(base, 'quiet', 'never arrives');
    // Past the poll's timeout and several heartbeats: nothing at all on either connection.
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(reader.raw.length).toBe(before);
    expect(app.lab.stats().heldPolls).toBe(1);
    expect(app.lab.connections.halfOpen).toBe(2);

    // The clients notice (here: they give up) and the fault ends with how long that took.
    abort();
    poll.abort();
    await held;
    await waitFor(() => faults().length === 2, 2_000, 'the end of the half-open fault');
    expect(faults()[1]!.details).toMatchObject({ fault: 'half-open', faultPhase: 'end' });
    expect(faults()[1]!.details.note).toMatch(
      /^every silent connection was noticed and closed, [\d.]+ (ms|s) after they went silent$/,
    );
    // New connections work as before.
    const fresh = await openSse(`${base}/api/channels/quiet/events?lastEventId=0`);
    await waitFor(() => fresh.reader.events().length === 1);
    fresh.abort();
    observer.close();
  });

  it('half-open WebSocket: no frames, no pings, pongs ignored; the server gives up on its end after two beats, and the client sees nothing', async () => {
    running = await startApp();
    const { base, wsBase } = running;
    const { events } = await observeTrace(running);
    const socket = await TestSocket.open(
      `${wsBase}/api/channels/hush/ws?heartbeat=250&heartbeatAs=frame&rid=hush-1`,
    );
    await socket.next((f) => f.type === 'heartbeat', 2_000);
    expect((await setFaults(base, { silence: true })).status).toBe(200);
    const silencedAt = Date.now();
    socket.frames.length = 0;
    await publish(base, 'hush', 'never arrives');
    // The server pings no more; its heartbeat notices the missing pong and gives up on its end…
    await waitFor(
      () =>
        events().some(
          (e) =>
            e.conn === 'hush-1' &&
            e.kind === 'error' &&
            /half-open for \d+ ms/.test(e.details?.error ?? ''),
        ),
      2_000,
      "the server's missed-pong step",
    );
    expect(Date.now() - silencedAt).toBeGreaterThanOrEqual(250);
    const close = events().find((e) => e.conn === 'hush-1' && e.kind === 'close');
    expect(close?.details?.note).toMatch(/^the server closed its end after \d+ ms half-open/);
    await waitFor(() =>
      events().some((e) => e.kind === 'fault' && e.details?.faultPhase === 'end'),
    );
    expect(running.app.lab.stats().sockets).toBe(0);
    expect(running.app.lab.hub.listenerCount('hush')).toBe(0);
    // …but tells the client nothing: no frame, no close, for well past the server's own cut.
    await new Promise((resolve) => setTimeout(resolve, 750));
    expect(socket.frames).toEqual([]);
    expect(socket.closeCode).toBeNull();
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    // The client notices by itself and drops the connection (its close frame would not be read):
    // the server lets the socket go.
    socket.ws.terminate();
    await waitFor(
      () => running.app.lab.connections.lingeringCount === 0,
      2_000,
      'the socket to go',
    );
  });

  it('half-open WebSocket on a bare TCP socket: not a byte and no FIN after the server gives up; a drop cuts it', async () => {
    running = await startApp();
    const { base, port } = running;
    const { events } = await observeTrace(running);
    // It never answers pings: only the silence keeps the server from cutting it after two beats.
    const raw = await RawWebSocket.open(port, '/api/channels/hush/ws?heartbeat=250&rid=hush-raw');
    expect((await setFaults(base, { silence: true })).status).toBe(200);
    const bytesAtSilence = raw.socket.bytesRead;
    await waitFor(
      () => events().some((e) => e.conn === 'hush-raw' && e.kind === 'close'),
      2_000,
      'the server to give up on its end',
    );
    expect(
      events().find((e) => e.conn === 'hush-raw' && e.kind === 'error')?.details?.errorCode,
    ).toBe(ERROR_CODES.MISSED_PONG);
    // Twice the server's missed-pong time more: nothing arrives, not even a FIN.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(raw.socket.bytesRead).toBe(bytesAtSilence);
    expect(raw.frames.filter((f) => f.opcode !== WS_OPCODES.ping)).toEqual([]);
    expect(raw.ended).toBe(false);
    expect(running.app.lab.connections.lingeringCount).toBe(1);
    // What the peer sends is not read either: a ping gets no pong.
    raw.write(clientFrame(WS_OPCODES.ping, Buffer.from('anyone?')));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(raw.socket.bytesRead).toBe(bytesAtSilence);
    // A drop (the network is cut) ends what lingers.
    expect((await setFaults(base, { drop: true })).status).toBe(200);
    await waitFor(() => raw.ended, 2_000, 'the drop to cut the lingering socket');
    expect(running.app.lab.connections.lingeringCount).toBe(0);
  });

  it('adds latency to deliveries', async () => {
    running = await startApp();
    const { base } = running;
    await publish(base, 'lobby', 'x');
    await setFaults(base, { latencyMs: { down: 200 } });
    const started = Date.now();
    const res = await fetch(`${base}/api/channels/lobby/messages?since=0`);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('delays WebSocket deliveries by the down latency and keeps their order', async () => {
    running = await startApp();
    const { base, wsBase } = running;
    const socket = await TestSocket.open(`${wsBase}/api/channels/lobby/ws`);
    await setFaults(base, { latencyMs: { down: 150 } });
    const started = Date.now();
    for (const text of ['a', 'b', 'c']) await publish(base, 'lobby', text);
    await waitFor(() => socket.frames.length === 3, 2_000, 'three delayed frames');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(socket.frames.map((f) => (f as { message: { text: string } }).message.text)).toEqual([
      'a',
      'b',
      'c',
    ]);
    socket.close();
  });

  it('drop ends held polls, streams and sockets but not the observer', async () => {
    running = await startApp();
    const { base, wsBase, app } = running;
    const observer = await TestSocket.open(`${wsBase}/api/observe`);
    const poll = fetch(`${base}/api/channels/lobby/long-poll?timeout=60000`).then(
      () => 'answered',
      () => 'dropped',
    );
    const sse = await openSse(`${base}/api/channels/lobby/events`);
    const socket = await TestSocket.open(`${wsBase}/api/channels/lobby/ws`);
    await waitFor(() => {
      const s = app.lab.stats();
      return s.heldPolls === 1 && s.sseStreams === 1 && s.sockets === 1;
    });
    const res = await setFaults(base, { drop: true });
    expect(res.status).toBe(200);
    expect(await poll).toBe('dropped');
    expect(await socket.closed()).toBe(1006);
    await sse.reader.ended();
    expect(app.lab.stats()).toEqual({
      heldPolls: 0,
      sseStreams: 0,
      sockets: 0,
      observers: 1,
      hubListeners: 0,
    });
    const fault = await observer.next(
      (f) => f.type === 'trace' && (f.event as { kind: string }).kind === 'fault',
    );
    expect(fault.event).toMatchObject({ kind: 'fault', details: { fault: 'drop' } });
    expect(observer.closeCode).toBeNull();
    observer.close();
  });

  it('restart drops everything, answers 503 for the window, then comes back with history intact', async () => {
    let now = 1_000_000;
    running = await startApp({ now: () => now });
    const { base, wsBase } = running;
    await publish(base, 'lobby', 'before restart');
    const { events, observer } = await observeTrace(running);
    const socket = await TestSocket.open(`${wsBase}/api/channels/lobby/ws`);
    const res = await setFaults(base, { restart: { downForMs: 5_000 } });
    await waitFor(() => events().some((e) => e.kind === 'fault'));
    expect(events().find((e) => e.kind === 'fault')!.details).toMatchObject({
      fault: 'restart',
      note: 'server rebooted: dropped 1 connection, down for 5 s',
      delayMs: 5_000,
    });
    observer.close();
    expect(await res.json()).toMatchObject({
      restartingUntil: 1_005_000,
      lastRestart: { at: 1_000_000, downForMs: 5_000 },
    });
    expect(await socket.closed()).toBe(1006);
    now += 1_500;
    const down = await fetch(`${base}/api/channels/lobby/messages`);
    expect(down.status).toBe(503);
    // Plain words and a duration: no internal name, no timestamp in another time zone.
    expect(await down.json()).toEqual({
      code: 'RL_ERR_UNAVAILABLE',
      error: 'the server is rebooting: it answers again in 3.5 s',
    });
    now -= 1_500;
    expect((await fetch(`${base}/api/health`)).status).toBe(503);
    await expect(TestSocket.open(`${wsBase}/api/channels/lobby/ws`)).rejects.toThrow('HTTP 503');
    expect((await fetch(`${base}/api/faults`)).status).toBe(200);
    now += 5_000;
    const back = await fetch(`${base}/api/channels/lobby/messages`);
    expect(back.status).toBe(200);
    expect(
      ((await back.json()) as { messages: { text: string }[] }).messages.map((m) => m.text),
    ).toEqual(['before restart']);
    expect(
      ((await (await fetch(`${base}/api/faults`)).json()) as { restartingUntil: unknown })
        .restartingUntil,
    ).toBeNull();
  });

  it('blockWebSockets refuses channel upgrades with 403 until turned off', async () => {
    running = await startApp();
    const { base, wsBase } = running;
    await setFaults(base, { blockWebSockets: true });
    await expect(TestSocket.open(`${wsBase}/api/channels/lobby/ws`)).rejects.toThrow('HTTP 403');
    // the observer is not a channel socket: still allowed
    const observer = await TestSocket.open(`${wsBase}/api/observe`);
    observer.close();
    await setFaults(base, { blockWebSockets: false });
    const socket = await TestSocket.open(`${wsBase}/api/channels/lobby/ws`);
    socket.close();
  });
});
