import { afterEach, describe, expect, it } from 'vitest';
import { chunkFramingBytes } from '../src/core';
import { publish, startApp, type Running } from './test/helpers';
import { waitFor } from './test/wait-for';
import { openSse } from './test/clients';

describe('Server-Sent Events', () => {
  let running: Running;
  afterEach(async () => running?.close());

  it('sends the headers, retry first, then live events as id/event/data', async () => {
    running = await startApp();
    const { app, base } = running;
    const { reader, abort } = await openSse(`${base}/api/channels/lobby/events?retry=1234`);
    const headers = reader.response.headers;
    expect(headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(headers.get('cache-control')).toBe('no-cache');
    expect(headers.get('x-accel-buffering')).toBe('no');
    await waitFor(() => reader.raw.length > 0);
    expect(reader.raw).toBe('retry: 1234\n\n');
    await waitFor(() => app.lab.stats().sseStreams === 1 && app.lab.stats().hubListeners === 1);

    const id = await publish(base, 'lobby', 'line one\nline two', 'bob');
    await waitFor(() => reader.events().length === 1);
    const message = JSON.parse(reader.events()[0]!.data) as Record<string, unknown>;
    expect(message).toMatchObject({
      id,
      channel: 'lobby',
      type: 'message',
      from: 'bob',
      text: 'line one\nline two',
    });
    expect(reader.raw).toBe(
      `retry: 1234\n\nid: ${id}\nevent: message\ndata: ${JSON.stringify(message)}\n\n`,
    );
    abort();
  });

  it('resumes after the Last-Event-ID header, or ?lastEventId=, and the header wins', async () => {
    running = await startApp();
    const { base } = running;
    for (const text of ['a', 'b', 'c', 'd']) await publish(base, 'lobby', text);
    const url = `${base}/api/channels/lobby/events`;

    const byHeader = await openSse(url, { 'last-event-id': '2' });
    const byQuery = await openSse(`${url}?lastEventId=1`);
    const both = await openSse(`${url}?lastEventId=0`, { 'last-event-id': '3' });
    const fresh = await openSse(url);
    await waitFor(
      () => byHeader.reader.events().length === 2 && byQuery.reader.events().length === 3,
    );
    await waitFor(() => both.reader.events().length === 1);
    expect(byHeader.reader.events().map((e) => e.id)).toEqual(['3', '4']);
    expect(byQuery.reader.events().map((e) => e.id)).toEqual(['2', '3', '4']);
    expect(both.reader.events().map((e) => e.id)).toEqual(['4']);

    // then live, with no duplicate of what was replayed
    await publish(base, 'lobby', 'e');
    await waitFor(
      () => byHeader.reader.events().length === 3 && fresh.reader.events().length === 1,
    );
    expect(byHeader.reader.events().map((e) => e.id)).toEqual(['3', '4', '5']);
    expect(fresh.reader.events().map((e) => e.id)).toEqual(['5']);
    for (const stream of [byHeader, byQuery, both, fresh]) stream.abort();
  });

  it('writes comment heartbeats on the asked interval', async () => {
    running = await startApp();
    const { reader, abort } = await openSse(
      `${running.base}/api/channels/lobby/events?heartbeat=250&retry=0`,
    );
    await waitFor(
      () => reader.items.filter((i) => i.kind === 'comment').length >= 2,
      2_000,
      'two heartbeats',
    );
    expect(reader.raw.startsWith('retry: 0\n\n: heartbeat ')).toBe(true);
    expect(reader.raw).toMatch(/^retry: 0\n\n(: heartbeat \d+\n\n){2,}$/);
    abort();
  });

  it('cleans up the stream, its listener and its heartbeat when the client closes', async () => {
    running = await startApp();
    const { app, base } = running;
    const { abort } = await openSse(`${base}/api/channels/lobby/events?heartbeat=250`);
    await waitFor(() => app.lab.stats().sseStreams === 1);
    expect(app.lab.stats().hubListeners).toBe(1);
    abort();
    await waitFor(
      () => app.lab.stats().sseStreams === 0 && app.lab.stats().hubListeners === 0,
      2_000,
      'clean-up',
    );
    await publish(base, 'lobby', 'nobody listens');
  });

  it('counts chunk framing as hex size plus two CRLFs', () => {
    expect(chunkFramingBytes(13)).toBe(5); // "d\r\n" + "\r\n"
    expect(chunkFramingBytes(256)).toBe(7); // "100\r\n" + "\r\n"
  });
});
