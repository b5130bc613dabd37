/** Shared helpers of the server tests: a real app on a free port, bounded waits, the observer's trace. */
import type { FastifyInstance } from 'fastify';
import type { TraceEventInput } from '../../src/core';
import { buildApp, type ServerOptionsInput } from '../app';
import { TestSocket } from './clients';

export interface Running {
  app: FastifyInstance;
  port: number;
  base: string;
  wsBase: string;
  close: () => Promise<void>;
}

export async function startApp(options: ServerOptionsInput = {}): Promise<Running> {
  const app = await buildApp({ logLevel: 'silent', ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return {
    app,
    port: address.port,
    base: `http://127.0.0.1:${address.port}`,
    wsBase: `ws://127.0.0.1:${address.port}`,
    close: () => app.close(),
  };
}

export async function publish(
  base: string,
  ch: string,
  text: string,
  from = 'alice',
): Promise<number> {
  const res = await fetch(`${base}/api/channels/${ch}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, text }),
  });
  if (res.status !== 201) throw new Error(`publish answered ${res.status}`);
  return ((await res.json()) as { id: number }).id;
}

/** An observer stream (`/api/observe`) whose trace events a test can read as they come. */
export async function observeTrace(
  running: Running,
): Promise<{ observer: TestSocket; events: () => TraceEventInput[] }> {
  const observer = await TestSocket.open(`${running.wsBase}/api/observe`);
  await observer.next((f) => f.type === 'hello');
  const events = (): TraceEventInput[] =>
    (observer.frames as { type: string; event: TraceEventInput }[])
      .filter((f) => f.type === 'trace')
      .map((f) => f.event);
  return { observer, events };
}
