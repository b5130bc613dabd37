/**
 * WebSockets, simulated (the server's is server/websocket.ts): `GET ws?since=` through msw's
 * `ws.link`, which stands in for the page's global WebSocket (a service worker cannot see
 * sockets). The socket replays from `since`, then delivers live messages in id order; it takes
 * the `publish` and `resume` ops of src/core/ws-protocol.ts and answers refusals with their
 * codes; it "pings" on the heartbeat and, asked for `heartbeatAs=frame`, sends the heartbeat
 * frame the page's watchdog reads. A page never sees pings, so the simulation traces the ping
 * and the browser's automatic pong itself (marked simulated, as every step here).
 */
import { ws, type WebSocketHandler } from 'msw';
import type {
  WebSocketClientConnectionProtocol,
  WebSocketData,
} from '@mswjs/interceptors/WebSocket';
import {
  ERROR_CODES,
  LabError,
  WS_CLOSE,
  labError,
  parseClientOp,
  halfOpenLingerMs,
  utf8Bytes,
  type ClientOp,
  type ErrorCode,
  type Message,
  type PublishInput,
  type ServerFrame,
} from '../../core';
import { WsQuery } from '../../core/api-schemas';
import type { EndReason } from '../../core/connection-registry';
import { OrderedDelay } from '../../core/ordered-delay';
import {
  DeliveryCursor,
  halfOpenGiveUpFields,
  wsControlFields,
  wsFrameFields,
  wsTextFrameFields,
  type TraceTarget,
} from '../../core/server-steps';
import type { SimLab } from '../sim-lab';
import { checkChannel, checkQuery, gate, queryOf, refusal, targetOf } from '../sim-http';
import {
  UPGRADE_HEAD_BYTES,
  responseHeadBytes,
  upgradeRequestHeadBytes,
  jsonHeaders,
} from '../wire';

/** The close code a page sees for a socket that died without a close frame. */
const ABNORMAL_CLOSURE = 1006;

/** The socket's life: open, closing after a refusal, given up (half-open), closed. */
type SocketState = 'open' | 'closing' | 'abandoned' | 'closed';

interface SocketSetup {
  channel: string;
  since: number | undefined;
  from: string;
  heartbeatFrames: boolean;
  heartbeatMs: number;
}

function dataBytes(data: WebSocketData): { length: number; text: string | null } {
  if (typeof data === 'string') return { length: utf8Bytes(data), text: data };
  if (data instanceof Blob) return { length: data.size, text: null };
  return { length: data.byteLength, text: null };
}

/** One simulated channel socket. */
class SimChannelSocket {
  private state: SocketState = 'open';
  private awaitingPong = false;
  private silencedAt: number | null = null;
  private readonly cursor: DeliveryCursor;
  private readonly down: OrderedDelay;
  private readonly up: OrderedDelay;
  private readonly untrack: () => void;
  private readonly undo: (() => void)[] = [];
  /** The frame being handled: the next waits for it. */
  private turn: Promise<void> = Promise.resolve();

  constructor(
    private readonly lab: SimLab,
    private readonly client: WebSocketClientConnectionProtocol,
    private readonly setup: SocketSetup,
    private readonly target: TraceTarget,
  ) {
    this.down = new OrderedDelay(() => lab.faults.latencyMs.down);
    this.up = new OrderedDelay(() => lab.faults.latencyMs.up);
    this.untrack = lab.connections.track(
      'websocket',
      (reason) => this.end(reason),
      () => {
        this.silencedAt = lab.now();
      },
    );
    lab.observer.record(target, 'ws-open', 'down', {
      bytes: { header: UPGRADE_HEAD_BYTES, payload: 0 },
      details: { status: 101 },
    });
    // Read history and subscribe in the same tick: no publish can fall in between.
    this.cursor = new DeliveryCursor(setup.since, lab.hub.channel(setup.channel).lastId);
    this.undo.push(lab.hub.subscribe(setup.channel, (message) => this.deliver(message)));
    if (setup.since !== undefined) this.replay(setup.since);
    const beat = setInterval(() => this.beat(), setup.heartbeatMs);
    this.undo.push(() => clearInterval(beat));
    client.addEventListener('message', (event) => this.received(event.data));
    client.addEventListener('close', (event) => this.closed(event.code, event.reason));
  }

  private received(data: WebSocketData): void {
    // Half-open: what the peer sends never arrives.
    if (this.silencedAt !== null || this.state !== 'open') return;
    const { length, text } = dataBytes(data);
    this.lab.observer.record(this.target, 'ws-frame', 'up', wsFrameFields('up', length, text));
    this.up.run(() => {
      this.turn = this.turn.then(() => this.handle(text)).catch(() => undefined);
    });
  }

  private async handle(text: string | null): Promise<void> {
    if (this.state !== 'open') return;
    if (text === null) {
      this.refuse('binary frames are not understood: send JSON text frames', ERROR_CODES.BAD_OP);
      return;
    }
    const parsed = parseClientOp(text);
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
    const input: PublishInput = { from: op.from ?? this.setup.from, text: op.text };
    if (op.type !== undefined) input.type = op.type;
    if (op.sentAt !== undefined) input.sentAt = op.sentAt;
    let message: Message;
    try {
      message = await this.lab.publish(this.setup.channel, input, this.target);
    } catch (error) {
      const e = error instanceof LabError ? error : labError('INTERNAL');
      this.refuse(e.message, e.code);
      return;
    }
    const ack: ServerFrame = {
      type: 'published',
      id: message.id,
      publishedAt: message.publishedAt,
    };
    if (op.ref !== undefined) ack.ref = op.ref;
    this.send(ack, [message.id]);
  }

  private refuse(error: string, code: ErrorCode): void {
    this.lab.observer.record(this.target, 'error', 'none', { details: { error, errorCode: code } });
    this.send({ type: 'error', error, code });
  }

  private replay(since: number): void {
    const slice = this.lab.hub.since(this.setup.channel, since);
    // Ahead of the channel: say so, then replay all it keeps (protocol.md, "Resuming ahead").
    if (slice.ahead) this.send({ type: 'ahead', lastId: slice.lastId });
    for (const message of this.cursor.replay(slice)) {
      this.send({ type: 'message', message }, [message.id]);
    }
  }

  private deliver(message: Message): void {
    if (this.cursor.take(message)) this.send({ type: 'message', message }, [message.id]);
  }

  private send(frame: ServerFrame, messageIds?: number[]): void {
    if (this.state !== 'open') return;
    const text = JSON.stringify(frame);
    this.down.run(() => {
      if (this.state !== 'open' || this.silencedAt !== null) return;
      this.client.send(text);
      this.lab.observer.record(
        this.target,
        'ws-frame',
        'down',
        wsTextFrameFields('down', text, messageIds),
      );
    });
  }

  /** A ping, or the pong a browser sends back at once (pages never see either). */
  private control(kind: 'ping' | 'pong', dir: 'up' | 'down'): void {
    const fields = wsControlFields(kind, dir, 0);
    if (kind === 'pong') {
      fields.details = {
        ...fields.details,
        note: 'simulated: a browser answers every ping at once, and its page never sees either',
      };
    }
    this.lab.observer.record(this.target, kind, dir, fields);
  }

  private beat(): void {
    if (this.state !== 'open') return;
    if (this.awaitingPong) {
      // Only a silenced socket misses its pong here (a browser always answers).
      this.abandon(this.lab.now() - (this.silencedAt ?? this.lab.now()));
      return;
    }
    this.awaitingPong = true;
    // Half-open: the ping goes nowhere, and no pong will come back.
    if (this.silencedAt !== null) return;
    this.control('ping', 'down');
    this.control('pong', 'up');
    this.awaitingPong = false;
    if (this.setup.heartbeatFrames) this.send({ type: 'heartbeat', serverTime: this.lab.now() });
  }

  /**
   * The server's heartbeat noticed a silenced peer: its side gives up (traced now), stops
   * everything, and leaves the page's socket open until the page notices by itself or the
   * linger ends it.
   */
  private abandon(halfOpenMs: number): void {
    this.state = 'abandoned';
    const lingerMs = halfOpenLingerMs(this.setup.heartbeatMs);
    const [gaveUp, closed] = halfOpenGiveUpFields(halfOpenMs, lingerMs);
    this.lab.observer.record(this.target, 'error', 'none', gaveUp);
    this.lab.observer.record(this.target, 'close', 'none', closed);
    const cut = (): void => this.client.close(ABNORMAL_CLOSURE);
    const forget = this.lab.connections.linger(cut);
    const timer = setTimeout(cut, lingerMs);
    this.client.addEventListener('close', () => {
      clearTimeout(timer);
      forget();
    });
    this.release();
  }

  private end(reason: EndReason): void {
    if (this.state !== 'open') return;
    if (reason === 'drop') this.client.close(ABNORMAL_CLOSURE);
    else {
      this.state = 'closing';
      this.client.close(WS_CLOSE.goingAway, 'server shutting down');
    }
  }

  private release(): void {
    for (const undo of this.undo.splice(0)) undo();
    this.down.cancel();
    this.up.cancel();
    this.untrack();
  }

  private closed(code: number, reason: string): void {
    if (this.state === 'closed') return;
    // An abandoned socket's close was traced when the server gave up on it.
    const traced = this.state === 'abandoned';
    this.state = 'closed';
    this.release();
    if (traced) return;
    const halfOpen =
      this.silencedAt === null
        ? {}
        : { note: `closed after ${this.lab.now() - this.silencedAt} ms half-open` };
    this.lab.observer.record(this.target, 'close', 'none', {
      details: {
        closeCode: code,
        ...(reason ? { closeReason: reason } : {}),
        wasClean: code !== ABNORMAL_CLOSURE,
        ...halfOpen,
      },
    });
  }
}

/** The page's origin, for the simulated upgrade request ('' in a Node test). */
function pageOrigin(): string {
  return typeof location === 'undefined' ? '' : location.origin;
}

/**
 * An upgrade the simulated server refuses (bad input, WebSockets blocked, a reboot): traced
 * as the server traces a refused upgrade (the answer's status and code), and closed before it
 * opens, as a page sees a refused upgrade: a close with 1006 and no open.
 */
function refuseUpgrade(
  lab: SimLab,
  client: WebSocketClientConnectionProtocol,
  target: TraceTarget,
  error: unknown,
): void {
  const e = refusal(error);
  const text = JSON.stringify(e.toBody());
  const headers = jsonHeaders(text);
  lab.observer.record(target, 'error', 'none', {
    details: { status: e.status, error: e.message, errorCode: e.code },
  });
  lab.observer.record(target, 'response', 'down', {
    bytes: { header: responseHeadBytes(e.status, headers), payload: utf8Bytes(text) },
    details: {
      status: e.status,
      method: 'GET',
      url: `${client.url.pathname}${client.url.search}`,
      responseHeaders: headers,
    },
  });
  client.close(ABNORMAL_CLOSURE);
}

/** The channel sockets of the simulated server. */
export function websocketHandlers(lab: SimLab): WebSocketHandler[] {
  const link = ws.link(/^wss?:\/\/[^/]+\/(?:.*\/)?api\/channels\/[^/?]+\/ws(?:\?.*)?$/);
  return [
    link.addEventListener('connection', ({ client }) => {
      const url = client.url;
      const target = targetOf(lab, 'websocket', url);
      lab.observer.record(target, 'request', 'up', {
        bytes: { header: upgradeRequestHeadBytes(url, pageOrigin()), payload: 0 },
        details: { method: 'GET', url: `${url.pathname}${url.search}` },
      });
      let setup: SocketSetup;
      try {
        gate(lab);
        const channel = checkChannel(/\/api\/channels\/([^/?]+)\/ws/.exec(url.pathname)?.[1]);
        const query = checkQuery(WsQuery, queryOf(url));
        if (lab.faults.blockWebSockets) {
          throw labError(
            'WEBSOCKETS_BLOCKED',
            'WebSocket upgrades are blocked (fault "blockWebSockets"), the way a proxy that strips Upgrade would refuse them',
          );
        }
        lab.hub.channel(channel);
        setup = {
          channel,
          since: query.since,
          from: query.client ?? 'anonymous',
          heartbeatFrames: query.heartbeatAs === 'frame',
          heartbeatMs: query.heartbeat ?? lab.knobs.wsHeartbeatMs,
        };
      } catch (error) {
        refuseUpgrade(lab, client, target, error);
        return;
      }
      new SimChannelSocket(lab, client, setup, target);
    }),
  ];
}
