/**
 * What the load lab's bare baselines share: the message they send (the lab's shape, so a
 * receiver parses the same bytes), a JSON body reader, and the `listening on` line the
 * bench waits for (the lab's server/main.ts prints the same).
 */
import type { IncomingMessage, Server } from 'node:http';

export interface BareMessage {
  id: number;
  channel: string;
  type: string;
  from: string;
  text: string;
  publishedAt: number;
}

/** Numbers the messages one bare server publishes, as the lab's hub does per channel. */
export class MessageCounter {
  private last = 0;

  next(text: string, from = 'load'): BareMessage {
    this.last += 1;
    return {
      id: this.last,
      channel: 'lobby',
      type: 'message',
      from,
      text,
      publishedAt: Date.now(),
    };
  }

  get lastId(): number {
    return this.last;
  }
}

/** The `text` of a JSON body `{ text }` (16 KiB at most, as the lab's limit), or null. */
export async function readText(request: IncomingMessage): Promise<string | null> {
  let body = '';
  for await (const chunk of request) {
    body += String(chunk);
    if (body.length > 16_384) return null;
  }
  try {
    const value = JSON.parse(body) as { text?: unknown };
    return typeof value.text === 'string' ? value.text : null;
  } catch {
    return null;
  }
}

/** Listens on HOST:PORT (127.0.0.1, a free port by default) and prints where. */
export function listen(server: Server, name: string): void {
  const host = process.env.HOST ?? '127.0.0.1';
  server.listen({ port: Number(process.env.PORT ?? 0), host }, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    console.log(`${name} listening on http://${host}:${port}`);
  });
}
