/**
 * The load lab's bare `ws` baseline: a plain http server and a `ws` WebSocketServer with
 * the lab's own ws options (server/app.ts: `maxPayload` 16 KiB, `perMessageDeflate` off),
 * no heartbeat, no trace, no limits. `GET /health` answers `{ ok: true }`; `POST /publish`
 * `{ text }` and a client's `{ "op": "publish", "text" }` frame send the lab's message
 * frame `{ type: "message", message }` to every socket.
 */
import { createServer } from 'node:http';
import { WebSocketServer, type RawData } from 'ws';
import { listen, MessageCounter, readText } from './common';

const messages = new MessageCounter();
const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/health') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    return;
  }
  if (request.method === 'POST' && request.url === '/publish') {
    void readText(request).then((text) => {
      if (text === null) return void response.writeHead(400).end();
      const message = broadcast(text);
      response
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: message.id, publishedAt: message.publishedAt }));
    });
    return;
  }
  response.writeHead(404).end();
});

const wss = new WebSocketServer({ server, maxPayload: 16_384, perMessageDeflate: false });

function broadcast(text: string): { id: number; publishedAt: number } {
  const message = messages.next(text);
  const frame = JSON.stringify({ type: 'message', message });
  for (const client of wss.clients) client.send(frame);
  return message;
}

wss.on('connection', (socket) => {
  socket.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) return;
    try {
      const op = JSON.parse(String(data)) as { op?: unknown; text?: unknown };
      if (op.op === 'publish' && typeof op.text === 'string') broadcast(op.text);
    } catch {
      // Not JSON: a bare server ignores it.
    }
  });
});

listen(server, 'bare ws');
