/**
 * The load lab's Socket.IO baseline: Socket.IO 4.8 on a plain http server, WebSocket
 * transport only, no compression, the lab's 16 KiB message limit. Every socket is sent
 * each message as a `message` event (the lab's message object); `POST /publish` `{ text }`
 * or a socket's `publish` event (its text) publishes; `GET /health` answers `{ ok: true }`.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { listen, MessageCounter, readText } from './common';

const messages = new MessageCounter();
const server = createServer((request, response) => {
  if (request.url?.startsWith('/socket.io/')) return; // Socket.IO's own
  if (request.method === 'GET' && request.url === '/health') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    return;
  }
  if (request.method === 'POST' && request.url === '/publish') {
    void readText(request).then((text) => {
      if (text === null) return void response.writeHead(400).end();
      const message = publish(text);
      response
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: message.id, publishedAt: message.publishedAt }));
    });
    return;
  }
  response.writeHead(404).end();
});

const io = new Server(server, {
  transports: ['websocket'],
  perMessageDeflate: false,
  maxHttpBufferSize: 16_384,
  serveClient: false,
});

function publish(text: string): { id: number; publishedAt: number } {
  const message = messages.next(text);
  io.emit('message', message);
  return message;
}

io.on('connection', (socket) => {
  socket.on('publish', (text: unknown) => {
    if (typeof text === 'string') publish(text);
  });
});

listen(server, 'Socket.IO');
