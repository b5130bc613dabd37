import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { RawData, WebSocket } from 'ws';
import {
  ERROR_CODES,
  LabError,
  WS_CLOSE,
  WS_LIBRARY_UNKNOWN_CODE,
  labError,
  parseClientOp,
  halfOpenLingerMs,
  wsLibraryCloseCode,
  type ClientOp,
  type Message,
  type PublishInput,
  type ErrorCode,
  type ServerFrame,
} from '../src/core';
import { closeReason } from './close-reason';
import { upgradeRefusal } from './connection-caps';
import {
  SLOW_CONSUMER_GRACE_MS,
  overQueueLimit,
  slowConsumerReason,
  type EndReason,
} from './connections';
import {
  DeliveryCursor,
  halfOpenGiveUpFields,
  wsControlFields,
  wsFrameFields,
  wsTextFrameFields,
} from '../src/core/server-steps';
import { HeldConnection, type HeldOwner } from './held-connection';
import { isAllowedOrigin } from './host-check';
import type { Lab } from './lab';
import type { TraceFields, TraceTarget } from './observer-stream';
import { refusePlainGet } from './plain-get';
import { publisherKey } from './rate-limit';
import { ChannelParams, WsQuery } from './schemas';

/**
 * The close code ws fails the socket with for a protocol error it raised (1002 bad
 * framing, 1007 invalid UTF-8, 1009 too big), from the error's public `code`.
 */
export function wsErrorCloseCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return wsLibraryCloseCode((error as { code?: unknown }).code);
}

/** The `error` step of a socket error (ws's protocol errors carry their code and close code). */
export function wsErrorFields(error: Error): TraceFields {
  const closeCode = wsErrorCloseCode(error);
  return {
    details: {
      error: error.message,
      errorCode: (error as { code?: string }).code ?? WS_LIBRARY_UNKNOWN_CODE,
      ...(closeCode === undefined ? {} : { closeCode }),
    },
  };
}

/**
 * A channel socket's life: open; closing once the server has decided to end it
 * (its close frame sent, or queued behind a refusal's error frame); abandoned once
 * the server has given up on a silent (half-open) peer, whose socket it leaves open,
 * unread and unwritten, so that the peer notices by itself; closed.
 */
export type SocketState = 'open' | 'closing' | 'abandoned' | 'closed';

/**
 * ws answers at most this many pings at once (its `maxPendingAutoPongs`, set in app.ts):
 * past it, it terminates the socket without a close frame.
 */
export const MAX_PENDING_PONGS = 60;

/** The TCP socket under a ws WebSocket (ws keeps it as `_socket`; @types/ws does not declare it). */
function tcpSocketOf(socket: WebSocket): Socket | undefined {
  return (socket as unknown as { _socket?: Socket })._socket;
}
/** The heartbeat's state: idle between pings, awaiting the pong of the last ping. */
export type HeartbeatState = 'idle' | 'awaiting-pong';

const upgradeHeadBytes = new WeakMap<IncomingMessage, number>();

/** Remembers the size of the `101 Switching Protocols` head ws writes for each upgrade. */
export function watchUpgradeHeads(
  lab: Lab,
  wss: { on(event: 'headers', cb: (h: string[], r: IncomingMessage) => void): unknown },
): void {
  wss.on('headers', (headers, req) => {
    if (lab.observer.active)
      upgradeHeadBytes.set(req, Buffer.byteLength(headers.concat('\r\n').join('\r\n'), 'latin1'));
  });
}

/**
 * Lets go of the upgrade's HTTP objects once the socket is open; its owner then listens
 * for its errors itself. @fastify/websocket keeps them for the socket's whole life,
 * though nothing reads them after the upgrade: its `error` listener closes over the
 * Fastify request and reply (and so the raw request, the request's logger, its query),
 * and the ServerResponse it made for the upgrade stays attached to the TCP socket
 * (`_httpMessage`) with Fastify's `finish` listener, which closes over the reply too —
 * about 3.5 KB a socket, more than ws itself holds for one.
 */
export function releaseUpgrade(
  socket: WebSocket,
  onError: (this: WebSocket, error: Error) => void,
): void {
  // Added before the plugin's is removed: an emitter that deletes its last listener of a kind
  // turns its listener table into a dictionary, 256 bytes more a socket.
  const theirs = socket.listeners('error') as ((error: Error) => void)[];
  socket.on('error', onError);
  for (const listener of theirs) socket.off('error', listener);
  const tcp = tcpSocketOf(socket);
  const response = (tcp as unknown as { _httpMessage?: ServerResponse | null } | undefined)
    ?._httpMessage;
  if (tcp && response) response.detachSocket(tcp);
}

/**
 * The text of a message's frame, made once for all the sockets it fans out to: the hub
 * hands one message to every listener in the same tick, so the last one made is the one
 * the next socket asks for.
 */
let lastFrame: { message: Message; text: string } | null = null;
function messageFrameText(message: Message): string {
  if (lastFrame?.message !== message) {
    const frame: ServerFrame = { type: 'message', message };
    lastFrame = { message, text: JSON.stringify(frame) };
  }
  return lastFrame.text;
}

function rawDataBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** What a channel socket is told when it opens, besides the lab and its socket. */
export interface ChannelSocketSetup {
  channel: string;
  since: number | undefined;
  target: TraceTarget;
  /** Its `client=` label: the publisher's name (else `anonymous`), and its publish budget. */
  client: string | undefined;
  /** The client's address: its publish budget when it has no label, shared by all its labels. */
  address: string | undefined;
  heartbeatFrames: boolean;
  heartbeatMs: number;
  log: FastifyBaseLogger;
}

/** Where a WebSocket keeps its ChannelSocket, as ws keeps its own objects on the sockets it wraps. */
const kChannelSocket = Symbol('channel-socket');
type OwnedSocket = WebSocket & { [kChannelSocket]?: ChannelSocket };
const ownerOf = (socket: WebSocket): ChannelSocket | undefined =>
  (socket as OwnedSocket)[kChannelSocket];

/*
 * One set of listeners for every channel socket, called by ws with the socket as `this`, as
 * ws's own listeners are: five closures a socket less.
 */
function socketOnMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  ownerOf(this)?.received(data, isBinary);
}
function socketOnPing(this: WebSocket, data: Buffer): void {
  ownerOf(this)?.pinged(data);
}
function socketOnPong(this: WebSocket, data: Buffer): void {
  ownerOf(this)?.ponged(data);
}
function socketOnClose(this: WebSocket, code: number, reason: Buffer): void {
  ownerOf(this)?.closed(code, reason.toString('utf8'));
}
function socketOnError(this: WebSocket, error: Error): void {
  ownerOf(this)?.failed(error);
}

/**
 * One channel socket: replays from `since`, then delivers live messages in id
 * order without gap or duplicate; takes publish and resume ops; pings on an
 * interval and terminates a peer that has not answered the previous ping.
 */
class ChannelSocket implements HeldOwner {
  state: SocketState = 'open';
  heartbeatState: HeartbeatState = 'idle';
  private readonly cursor: DeliveryCursor;
  /** Its hub listener, registry entry, heartbeat and delays; once silenced, nothing is sent or taken. */
  private readonly held: HeldConnection;
  /** The frame being handled: the next waits for it (none before the first frame). */
  private turn: Promise<void> | null = null;
  /** Why the server closed the socket itself, for the close step (a slow consumer). */
  private serverClose: { code: number; reason: string } | null = null;
  private readonly channel: string;
  private readonly target: TraceTarget;
  private readonly client: string | undefined;
  private readonly address: string | undefined;
  private readonly heartbeatFrames: boolean;
  private readonly heartbeatMs: number;
  private readonly log: FastifyBaseLogger;

  /**
   * Everything a socket sets up is a field or a method, its listeners shared by every
   * socket (above), no closure of its own: thousands of idle sockets each
   * hold one.
   */
  constructor(
    private readonly lab: Lab,
    private readonly socket: WebSocket,
    setup: ChannelSocketSetup,
  ) {
    const { channel, since, target } = setup;
    this.channel = channel;
    this.target = target;
    this.client = setup.client;
    this.address = setup.address;
    this.heartbeatFrames = setup.heartbeatFrames;
    this.heartbeatMs = setup.heartbeatMs;
    this.log = setup.log;
    (socket as OwnedSocket)[kChannelSocket] = this;
    releaseUpgrade(socket, socketOnError);
    this.held = new HeldConnection(lab, 'websocket', this);
    // Read history and subscribe in the same tick: no publish can fall in between.
    this.cursor = new DeliveryCursor(since, lab.hub.channel(channel).lastId);
    this.held.subscribe(channel);
    if (since !== undefined) this.replay(since);

    this.held.every(this.heartbeatMs, this);

    socket.on('message', socketOnMessage);
    socket.on('ping', socketOnPing);
    socket.on('pong', socketOnPong);
    socket.on('close', socketOnClose);
  }

  received(data: RawData, isBinary: boolean): void {
    // Half-open: what the peer sends never arrives.
    if (this.held.silenced) return;
    const bytes = rawDataBytes(data);
    this.lab.observer.record(this.target, 'ws-frame', 'up', () =>
      wsFrameFields('up', bytes.length, isBinary ? null : bytes.toString('utf8')),
    );
    this.held.delayed('up', () => this.onFrame(bytes, isBinary));
  }

  pinged(data: Buffer): void {
    this.traceControl('ping', 'up', data.length);
    this.noticePingFlood();
  }

  ponged(data: Buffer): void {
    if (this.held.silenced) return;
    this.traceControl('pong', 'up', data.length);
    this.heartbeatState = 'idle';
  }

  /** A socket error (ws's own protocol errors among them): traced; ws closes the socket itself. */
  failed(error: Error): void {
    this.log.debug({ err: error, conn: this.target.conn }, 'websocket error');
    this.lab.observer.record(this.target, 'error', 'none', () => wsErrorFields(error));
  }

  private traceControl(kind: 'ping' | 'pong', dir: 'up' | 'down', length: number): void {
    this.lab.observer.record(this.target, kind, dir, wsControlFields(kind, dir, length));
  }

  private replay(since: number): void {
    const slice = this.lab.hub.since(this.channel, since);
    // Ahead of the channel: say so, then replay all it keeps (protocol.md, "Resuming ahead").
    if (slice.ahead) this.send({ type: 'ahead', lastId: slice.lastId });
    for (const message of this.cursor.replay(slice))
      this.sendText(messageFrameText(message), message.id);
  }

  deliver(message: Message): void {
    if (this.cursor.take(message)) this.sendText(messageFrameText(message), message.id);
  }

  private send(frame: ServerFrame, messageId?: number): void {
    if (this.state === 'open') this.sendText(JSON.stringify(frame), messageId);
  }

  /** Sends a frame's text, after the latency fault's delay if one is on. */
  private sendText(text: string, messageId?: number): void {
    if (this.state !== 'open') return;
    this.held.delayed('down', () => this.write(text, messageId));
  }

  private write(text: string, messageId: number | undefined): void {
    // 'closing' still sends what was queued before the close (a refusal's error frame).
    if (this.state === 'closed' || this.socket.readyState !== this.socket.OPEN) return;
    if (this.held.silenced) return;
    const queued = this.socket.bufferedAmount;
    const limit = this.lab.options.limits.maxQueuedBytes;
    // Nothing waiting: the write goes whatever its size (overQueueLimit), so its size is not counted.
    if (queued > 0 && overQueueLimit(queued, Buffer.byteLength(text), limit)) {
      this.cutSlowConsumer(queued, limit);
      return;
    }
    this.socket.send(text);
    if (this.lab.observer.active) {
      const ids = messageId === undefined ? undefined : [messageId];
      this.lab.observer.record(
        this.target,
        'ws-frame',
        'down',
        wsTextFrameFields('down', text, ids),
      );
    }
  }

  private refuse(error: string, code: ErrorCode): void {
    this.lab.observer.record(this.target, 'error', 'none', { details: { error, errorCode: code } });
    this.send({ type: 'error', error, code });
  }

  /**
   * Ends the socket for breaking a rule: the error frame first (its code is
   * what the UI explains), then a close frame with `closeCode` and a short
   * reason, in order behind anything already queued down.
   */
  private refuseAndClose(error: string, code: ErrorCode, closeCode: number, reason: string): void {
    this.lab.observer.record(this.target, 'error', 'none', {
      details: { error, errorCode: code, closeCode },
    });
    this.send({ type: 'error', error, code });
    // From here on, frames still arriving are not acted on and nothing new is queued down.
    this.state = 'closing';
    this.held.cancelDelayed('up');
    this.held.delayed('down', () => {
      if (this.socket.readyState === this.socket.OPEN)
        this.socket.close(closeCode, closeReason(reason));
    });
  }

  /**
   * Frames are handled one after the other: a publish waits for the broker, and
   * what the next frame causes (an ack, a refusal) is sent after its answer.
   */
  private onFrame(bytes: Buffer, isBinary: boolean): void {
    const turn = this.turn ?? Promise.resolve();
    this.turn = turn.then(() => this.handleFrame(bytes, isBinary)).catch(() => undefined);
  }

  private async handleFrame(bytes: Buffer, isBinary: boolean): Promise<void> {
    if (this.state !== 'open') return;
    if (isBinary) {
      this.refuse('binary frames are not understood: send JSON text frames', ERROR_CODES.BAD_OP);
      return;
    }
    const parsed = parseClientOp(bytes.toString('utf8'));
    if (!parsed.ok) {
      this.refuse(parsed.error, parsed.code);
      return;
    }
    await this.apply(parsed.op);
  }

  private async apply(op: ClientOp): Promise<void> {
    if (op.op === 'resume') {
      this.replay(op.since);
      return;
    }
    const limited = this.lab.publishLimiter.take(publisherKey(this.client, this.address));
    if (limited) {
      this.refuseAndClose(
        limited.error.message,
        limited.error.code,
        limited.error.closeCode ?? WS_CLOSE.policyViolation,
        `publish rate limit: ${this.lab.publishLimiter.ratePerSecond}/s, burst ${this.lab.publishLimiter.burst}`,
      );
      return;
    }
    const input: PublishInput = { from: op.from ?? this.client ?? 'anonymous', text: op.text };
    if (op.type !== undefined) input.type = op.type;
    if (op.sentAt !== undefined) input.sentAt = op.sentAt;
    await this.publish(input, op.ref);
  }

  /** Publishes through the lab; acks with the broker's id, or answers an error frame (broker down). */
  private async publish(input: PublishInput, ref: string | undefined): Promise<void> {
    let message: Message;
    try {
      message = await this.lab.publish(this.channel, input, this.target);
    } catch (error) {
      const refusal = error instanceof LabError ? error : labError('BROKER_DOWN');
      this.refuse(refusal.message, refusal.code);
      return;
    }
    const ack: ServerFrame = {
      type: 'published',
      id: message.id,
      publishedAt: message.publishedAt,
    };
    if (ref !== undefined) ack.ref = ref;
    this.send(ack, message.id);
  }

  /**
   * A peer that does not read what it is sent: the server stops queueing for it at
   * once (no hub listener, no delayed writes), sends a close 1013 with the reason, and
   * cuts the socket if the close has not been answered within the grace (a close frame
   * queued behind a full buffer reaches only a peer that reads again).
   */
  private cutSlowConsumer(queued: number, limit: number): void {
    if (this.state !== 'open') {
      // Already closing (a refusal's error frame and close wait in the queue): no more grace.
      this.socket.terminate();
      return;
    }
    const reason = slowConsumerReason(queued, limit);
    const closeCode = WS_CLOSE.tryAgainLater;
    this.lab.observer.record(this.target, 'error', 'none', {
      details: { error: reason, errorCode: ERROR_CODES.SLOW_CONSUMER, closeCode },
    });
    this.state = 'closing';
    this.serverClose = { code: closeCode, reason };
    this.held.quiet();
    this.socket.close(closeCode, closeReason(reason));
    this.held.after(SLOW_CONSUMER_GRACE_MS, () => this.socket.terminate());
  }

  /**
   * ws terminates a socket with more than MAX_PENDING_PONGS pings awaiting their pongs,
   * without a close frame and without an event; it does so while handling the ping, just
   * before it emits 'ping'. A socket no longer open here, that the server did not close
   * itself, is that.
   */
  private noticePingFlood(): void {
    if (this.state !== 'open' || this.socket.readyState === this.socket.OPEN) return;
    this.state = 'closing';
    const reason = `ping flood: more than ${MAX_PENDING_PONGS} pings awaiting their pongs`;
    this.serverClose = { code: 1006, reason };
    this.lab.observer.record(this.target, 'error', 'none', {
      details: {
        error: `${reason}: terminated without a close frame`,
        errorCode: ERROR_CODES.PING_FLOOD,
      },
    });
  }

  /**
   * The half-open fault: from now on nothing the peer sends is read (not even a ping
   * for ws to answer, nor a close frame); the TCP socket stays open, so the peer still
   * learns of the end only when it notices by itself.
   */
  silence(): void {
    const tcp = tcpSocketOf(this.socket);
    if (!tcp) return;
    // ws's own 'data' listener feeds its frame parser: replaced by one that drops every byte,
    // so that ws still sees the peer go ('end', 'close') but nothing it sent.
    tcp.removeAllListeners('data');
    tcp.on('data', () => undefined);
  }

  /**
   * The server's heartbeat noticed a silenced peer: its side gives up (traced at its
   * time, as a close), stops every timer and listener, and leaves the socket open but
   * unread and unwritten — no close frame, no FIN — until the peer closes it or
   * `halfOpenLingerMs` passes, so that the peer notices by itself, as after a network
   * that vanished.
   */
  private abandon(halfOpenMs: number): void {
    this.state = 'abandoned';
    this.held.quiet();
    const lingerMs = halfOpenLingerMs(this.heartbeatMs);
    const [gaveUp, closed] = halfOpenGiveUpFields(halfOpenMs, lingerMs);
    this.lab.observer.record(this.target, 'error', 'none', gaveUp);
    this.lab.observer.record(this.target, 'close', 'none', closed);
    const cut = (): void => this.socket.terminate();
    const forget = this.lab.connections.linger(cut);
    const timer = setTimeout(cut, lingerMs);
    timer.unref();
    this.socket.once('close', () => {
      clearTimeout(timer);
      forget();
    });
    this.held.release();
  }

  beat(): void {
    if (this.state !== 'open') return;
    if (this.heartbeatState === 'awaiting-pong') {
      const silencedFor = this.held.halfOpenMs();
      if (silencedFor !== null) {
        this.abandon(silencedFor);
        return;
      }
      // No close frame: the peer is gone as far as we can tell (the client sees 1006).
      const halfOpenMs = this.held.halfOpenMs();
      const halfOpen = halfOpenMs === null ? '' : ` (half-open for ${halfOpenMs} ms)`;
      this.lab.observer.record(this.target, 'error', 'none', {
        details: {
          error: `no pong since the previous ping: terminated${halfOpen}`,
          errorCode: ERROR_CODES.MISSED_PONG,
        },
      });
      this.socket.terminate();
      return;
    }
    this.heartbeatState = 'awaiting-pong';
    // Half-open: the ping goes nowhere, and no pong will come back.
    if (this.held.silenced) return;
    this.socket.ping();
    this.traceControl('ping', 'down', 0);
    if (this.heartbeatFrames) this.send({ type: 'heartbeat', serverTime: this.lab.now() });
  }

  end(reason: EndReason): void {
    if (this.state !== 'open') return;
    if (reason === 'drop') this.socket.terminate();
    else {
      this.state = 'closing';
      this.socket.close(WS_CLOSE.goingAway, 'server shutting down');
    }
  }

  closed(code: number, reason: string): void {
    if (this.state === 'closed') return;
    // An abandoned socket's close was traced when the server gave up on it.
    const traced = this.state === 'abandoned';
    this.state = 'closed';
    this.held.release();
    if (traced) return;
    const halfOpenMs = this.held.halfOpenMs();
    const byServer = this.serverClose;
    const notes = [
      ...(byServer && code === 1006 && byServer.code !== 1006
        ? [
            `the server closed with ${byServer.code}; no answer within ${SLOW_CONSUMER_GRACE_MS} ms, so it cut the socket`,
          ]
        : []),
      ...(halfOpenMs !== null ? [`closed after ${halfOpenMs} ms half-open`] : []),
    ];
    const closeReasonText = reason || byServer?.reason;
    this.lab.observer.record(this.target, 'close', 'none', {
      details: {
        closeCode: code,
        ...(closeReasonText ? { closeReason: closeReasonText } : {}),
        wasClean: code !== 1006,
        ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
      },
    });
  }
}

/**
 * Refuses an upgrade before it happens: a foreign Origin (403), WebSockets
 * blocked by the fault (403). A plain GET (no upgrade) gets 426.
 */
export function checkUpgrade(lab: Lab, request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (!isAllowedOrigin(origin, request.headers.host, lab.options.allowedOrigins)) {
    throw labError(
      'BAD_ORIGIN',
      `Origin ${JSON.stringify((origin ?? '').slice(0, 80))} may not open this WebSocket: only the app's own origin or the dev server's`,
    );
  }
  if (lab.faults.blockWebSockets) {
    throw labError(
      'WEBSOCKETS_BLOCKED',
      'WebSocket upgrades are blocked (fault "blockWebSockets"), the way a proxy that strips Upgrade would refuse them',
    );
  }
}

/** WebSocket: `GET ws?since=` (protocol.md, "WebSocket frames"). */
export const websocketPlugin: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const lab = app.lab;

  app.route({
    method: 'GET',
    url: '/ws',
    config: { technique: 'websocket' },
    schema: { params: ChannelParams, querystring: WsQuery },
    preHandler: async (request) => {
      if (request.ws) checkUpgrade(lab, request);
    },
    handler: refusePlainGet(() =>
      labError('NOT_WEBSOCKET', 'this endpoint is a WebSocket: send an Upgrade: websocket request'),
    ),
    wsHandler: (socket, request) => {
      const target = request.labTrace?.target ?? {
        technique: 'websocket' as const,
        conn: lab.nextConnId(),
      };
      const head = upgradeHeadBytes.get(request.raw);
      upgradeHeadBytes.delete(request.raw);
      lab.observer.record(target, 'ws-open', 'down', {
        bytes: { header: head ?? 0, payload: 0 },
        details: { status: 101 },
      });
      const refusal = upgradeRefusal(request.raw);
      if (refusal) {
        // Over the connection cap: opened only to say so with a code the page can read (connection-caps.ts).
        const closeCode = refusal.closeCode ?? WS_CLOSE.tryAgainLater;
        lab.observer.record(target, 'error', 'none', {
          details: { error: refusal.message, errorCode: refusal.code, closeCode },
        });
        socket.on('close', (code, reason) => {
          lab.observer.record(target, 'close', 'none', {
            details: {
              closeCode: code,
              closeReason: reason.toString('utf8'),
              wasClean: code !== 1006,
            },
          });
        });
        socket.close(closeCode, closeReason(refusal.message));
        // It takes no slot, so it may not linger: a peer that does not answer the close is cut.
        setTimeout(() => socket.terminate(), 2_000).unref();
        return;
      }
      const query = request.query;
      new ChannelSocket(lab, socket, {
        channel: request.params.ch,
        since: query.since,
        target,
        client: (query as { client?: string }).client,
        address: request.ip,
        heartbeatFrames: query.heartbeatAs === 'frame',
        heartbeatMs: query.heartbeat ?? lab.options.knobs.wsHeartbeatMs,
        log: app.log,
      });
    },
  });
};
