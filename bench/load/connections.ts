/**
 * The connections a load-lab client process holds, one opener per kind: a WebSocket
 * (`ws`), a Socket.IO socket (WebSocket transport), an SSE stream and a long poll (Node's
 * `http`), and the lab's observer stream. Each is bound to a loopback source address, and
 * times every timed publish it receives (`load:<tag>:<t0>`) on the machine clock.
 */
import { Agent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { io as ioClient, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { machineNow, readTimedText, type ConnectionKind } from './protocol';

/** Where a connection hands the timed publishes it receives. */
export type OnTimed = (tag: string, latencyMs: number) => void;

/** An open connection: `close` ends it; `closed` settles once it is gone. */
export interface Held {
  close(): void;
  closed: Promise<void>;
}

export interface OpenOptions {
  url: string;
  localAddress: string;
  onTimed: OnTimed;
  /** Called when the connection ends without `close` (the server ended it, an error). */
  onDrop: () => void;
}

function timeMessage(message: unknown, onTimed: OnTimed): void {
  const timed = readTimedText((message as { text?: unknown } | null)?.text);
  if (timed) onTimed(timed.tag, machineNow() - timed.t0);
}

/** A timed publish's text inside a JSON frame or event (`"text":"load:…"`), without parsing it all. */
const TIMED_TEXT = /"text":"(load:[^"]*)"/;

/** Times the publish a frame or an SSE event's data carries (the client's own cost kept small). */
export function timeText(json: string, onTimed: OnTimed): void {
  const receivedAt = machineNow();
  const match = TIMED_TEXT.exec(json);
  const timed = match ? readTimedText(match[1]) : null;
  if (timed) onTimed(timed.tag, receivedAt - timed.t0);
}

function openWs(options: OpenOptions, kind: 'ws' | 'observer'): Promise<Held> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(options.url, {
      localAddress: options.localAddress,
      perMessageDeflate: false,
    });
    let closing = false;
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', (err) => reject(err));
    socket.once('open', () => {
      socket.on('error', () => undefined);
      resolve({
        close: () => {
          closing = true;
          socket.close();
          // A server that does not answer the close frame is not waited for.
          setTimeout(() => socket.terminate(), 3_000).unref();
        },
        closed,
      });
    });
    void closed.then(() => closing || options.onDrop());
    if (kind === 'observer') return; // its frames are read and dropped
    socket.on('message', (data, isBinary) => {
      if (!isBinary) timeText(String(data), options.onTimed);
    });
  });
}

function openSocketIo(options: OpenOptions): Promise<Held> {
  return new Promise((resolve, reject) => {
    // engine.io-client hands `localAddress` to ws in Node; its types do not name it.
    const settings: Partial<ManagerOptions & SocketOptions> & { localAddress: string } = {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      localAddress: options.localAddress,
    };
    const socket = ioClient(options.url, settings);
    let closing = false;
    const closed = new Promise<void>((done) => socket.once('disconnect', () => done()));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
    socket.once('connect', () =>
      resolve({
        close: () => {
          closing = true;
          socket.disconnect();
        },
        closed,
      }),
    );
    void closed.then(() => closing || options.onDrop());
    socket.on('message', (message: unknown) => timeMessage(message, options.onTimed));
  });
}

/** The `data:` lines of complete SSE events in `buffer`, and what is left of it. */
export function sseEvents(buffer: string): { data: string[]; rest: string } {
  const data: string[] = [];
  let rest = buffer;
  for (let end = rest.indexOf('\n\n'); end >= 0; end = rest.indexOf('\n\n')) {
    const lines = rest.slice(0, end).split('\n');
    rest = rest.slice(end + 2);
    const body = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart());
    if (body.length > 0) data.push(body.join('\n'));
  }
  return { data, rest };
}

function openSse(options: OpenOptions): Promise<Held> {
  return new Promise((resolve, reject) => {
    let closing = false;
    const req: ClientRequest = httpRequest(options.url, {
      agent: false,
      localAddress: options.localAddress,
      headers: { accept: 'text/event-stream' },
    });
    const closed = new Promise<void>((done) => req.once('close', () => done()));
    req.once('error', (err) => reject(err));
    req.once('response', (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        req.destroy();
        return reject(new Error(`SSE answered ${res.statusCode}`));
      }
      req.on('error', () => undefined);
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        const { data, rest } = sseEvents(buffer + chunk);
        buffer = rest;
        for (const line of data) timeText(line, options.onTimed);
      });
      resolve({
        close: () => {
          closing = true;
          req.destroy();
        },
        closed,
      });
    });
    void closed.then(() => closing || options.onDrop());
    req.end();
  });
}

/** One keep-alive agent per source address: a long poll's next poll reuses its socket. */
const agents = new Map<string, Agent>();

function agentFor(localAddress: string): Agent {
  let agent = agents.get(localAddress);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: Infinity, localAddress });
    agents.set(localAddress, agent);
  }
  return agent;
}

export function destroyAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

/** A long poll that polls again each time it is answered, from the `lastId` it was given. */
function openLongPoll(options: OpenOptions): Promise<Held> {
  return new Promise((resolve, reject) => {
    let closing = false;
    let current: ClientRequest | undefined;
    let done: () => void = () => undefined;
    const closed = new Promise<void>((settle) => (done = settle));
    const poll = (since: number, first: boolean): void => {
      const url = options.url.replace('{since}', String(since));
      const req = httpRequest(url, { agent: agentFor(options.localAddress) });
      current = req;
      req.once('error', (err) => {
        if (first) reject(err);
        else if (!closing) options.onDrop();
        done();
      });
      req.once('response', (res) => answered(res, since));
      // Held: the request is on the wire; the server answers only when a message comes.
      req.once('finish', () => first && resolve({ close, closed }));
      req.end();
    };
    const answered = (res: IncomingMessage, since: number): void => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.once('end', () => {
        if (closing) return done();
        const lastId = Number((JSON.parse(body || '{}') as { lastId?: unknown }).lastId);
        poll(Number.isFinite(lastId) ? lastId : since, false);
      });
    };
    const close = (): void => {
      closing = true;
      current?.destroy();
      done();
    };
    poll(0, true);
  });
}

/** Opens one connection of `kind`, resolved once it is open (a long poll: once it is sent). */
export function openConnection(kind: ConnectionKind, options: OpenOptions): Promise<Held> {
  switch (kind) {
    case 'ws':
    case 'observer':
      return openWs(options, kind);
    case 'socket.io':
      return openSocketIo(options);
    case 'sse':
      return openSse(options);
    case 'long-poll':
      return openLongPoll(options);
  }
}
