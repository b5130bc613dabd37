/**
 * The load lab's bare Fastify baseline: Fastify 5 with no logger, no hooks, no schemas,
 * no trace. `GET /messages` answers `{ messages: [], lastId }` (the lab's empty short
 * poll), `GET /long-poll` holds until a publish (or `timeout` ms), `GET /events` is a raw
 * SSE stream (`retry:`, then `id` / `event` / `data` per message, no heartbeat),
 * `POST /publish` `{ text }` sends to both, `GET /health` answers `{ ok: true }`.
 */
import Fastify from 'fastify';
import type { ServerResponse } from 'node:http';
import { MessageCounter, type BareMessage } from './common';

const app = Fastify({ logger: false, bodyLimit: 16_384 });
const messages = new MessageCounter();
const streams = new Set<ServerResponse>();
const waiters = new Set<(message: BareMessage) => void>();

app.get('/health', async () => ({ ok: true }));

app.get('/messages', async () => ({ messages: [], lastId: messages.lastId }));

app.get<{ Querystring: { timeout?: string } }>('/long-poll', (request, reply) => {
  const timeoutMs = Math.min(Number(request.query.timeout ?? 30_000) || 30_000, 120_000);
  const answer = (message: BareMessage | null): void => {
    clearTimeout(timer);
    waiters.delete(answer);
    void reply.send({ messages: message ? [message] : [], lastId: messages.lastId });
  };
  const timer = setTimeout(() => answer(null), timeoutMs);
  waiters.add(answer);
  request.raw.on('close', () => {
    clearTimeout(timer);
    waiters.delete(answer);
  });
});

app.get('/events', (request, reply) => {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.write('retry: 3000\n\n');
  streams.add(res);
  request.raw.on('close', () => streams.delete(res));
});

app.post<{ Body: { text?: unknown } }>('/publish', async (request, reply) => {
  const text = request.body?.text;
  if (typeof text !== 'string') return reply.code(400).send({ error: 'text must be a string' });
  const message = messages.next(text);
  const event = `id: ${message.id}\nevent: message\ndata: ${JSON.stringify(message)}\n\n`;
  for (const res of streams) res.write(event);
  for (const answer of [...waiters]) answer(message);
  return reply.code(201).send({ id: message.id, publishedAt: message.publishedAt });
});

const host = process.env.HOST ?? '127.0.0.1';
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host });
console.log(`bare Fastify listening on ${address}`);
