import {
  ERROR_CODES,
  WS_CLOSE,
  isErrorCode,
  utf8Bytes,
  wsFrameHeaderBytes,
  type ClientOp,
  type Message,
  type TraceDetails,
} from '../core';
import { BaseTransport } from './base';
import { isMessage } from './message-parsers';
import { UNKNOWN_REQUEST_HEAD } from './resource-timing';
import { traceBody } from './trace-body';
import { toWebSocketUrl } from './urls';
import { CLIENT_ERROR_CODES, TransportError, describeError } from './transport-error';
import type { Knobs } from './types';
import { SILENCE_HEARTBEATS, watchSilence } from './silence';

export const DEFAULT_ACK_TIMEOUT_MS = 10_000;

interface PendingSend {
  resolve: (id: number) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
  sentAt: number;
  conn: string;
}

/** A server frame as far as the transport reads it (src/core/ws-protocol's ServerFrame, unchecked). */
interface IncomingFrame {
  type?: unknown;
  message?: unknown;
  id?: unknown;
  ref?: unknown;
  error?: unknown;
  code?: unknown;
  lastId?: unknown;
}

/** How long a socket may take to open before it is given up and retried. */
export const OPEN_TIMEOUT_MS = 10_000;
/** How long to wait for the close event that should follow an error. */
export const CLOSE_AFTER_ERROR_MS = 1000;

/**
 * WebSocket with the browser's own WebSocket: one socket per participant (the
 * sender has its own and publishes on it), `since=<lastId>` so a reconnect
 * resumes with no gap and no duplicate. Every text frame both ways is traced
 * with its RFC 6455 header size (client frames are masked: +4 bytes).
 *
 * Browsers never expose ping and pong frames to the page: the server's
 * heartbeat (`heartbeat=` ms) is answered by the browser itself, invisibly.
 * Those frames appear in the trace only through the server's observer stream.
 *
 * An unexpected close reconnects with exponential backoff and full jitter.
 * States: `connecting`, `open`, `reconnect-wait`, `closed`.
 */
export class WebSocketTransport extends BaseTransport {
  readonly technique = 'websocket' as const;
  private socket: WebSocket | undefined;
  private conn = '';
  private refs = 0;
  private readonly pending = new Map<string, PendingSend>();
  private openWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  /** When the socket last showed it was alive (opened, any frame). */
  private lastHeard = 0;

  protected open(): void {
    this.connect(this.nextConn());
  }

  protected shut(): void {
    const socket = this.detach();
    if (socket) {
      socket.close(WS_CLOSE.normal, 'stopped by the client');
      this.step('close', this.conn, {
        details: {
          closeCode: WS_CLOSE.normal,
          closeReason: 'stopped by the client',
          wasClean: true,
          note: 'the client started the closing handshake',
        },
      });
    }
    this.failPending(new TransportError('the transport was stopped', CLIENT_ERROR_CODES.STOPPED));
  }

  protected override knobsChanged(previous: Knobs): void {
    if (previous.wsHeartbeatMs === this.knobs.wsHeartbeatMs || !this.socket) return;
    // The heartbeat travels in the URL: reopen the socket, resuming after the last id.
    this.shut();
    this.connect(this.nextConn());
  }

  override async send(text: string, type?: string): Promise<number> {
    const sentAt = this.now();
    const timeoutMs = this.options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    const socket = await this.whenOpen(timeoutMs);
    const conn = this.conn;
    const ref = `${conn}:${++this.refs}`;
    const op: ClientOp = { op: 'publish', text, from: this.actor, sentAt, ref };
    if (type !== undefined) op.type = type;
    const frame = JSON.stringify(op);
    return new Promise<number>((resolve, reject) => {
      const timer = this.timers.set(() => {
        this.pending.delete(ref);
        const error = `no "published" acknowledgement within ${timeoutMs} ms`;
        this.step('error', conn, {
          details: { error, errorCode: CLIENT_ERROR_CODES.ACK_TIMEOUT },
        });
        reject(new TransportError(error, CLIENT_ERROR_CODES.ACK_TIMEOUT));
      }, timeoutMs);
      this.pending.set(ref, { resolve, reject, timer, sentAt, conn });
      try {
        socket.send(frame);
      } catch (error) {
        this.timers.clear(timer);
        this.pending.delete(ref);
        reject(new TransportError(describeError(error), CLIENT_ERROR_CODES.NOT_OPEN));
        return;
      }
      this.traceFrame('up', frame, { note: 'publish' });
    });
  }

  private connect(conn: string): void {
    this.conn = conn;
    const url = this.socketUrl(conn);
    if (url === undefined) return;
    const socket = this.openLongLived(
      conn,
      url,
      {
        requestHeaders: { upgrade: 'websocket', connection: 'Upgrade' },
        note: `HTTP upgrade; ${UNKNOWN_REQUEST_HEAD}`,
      },
      () => new WebSocket(url),
    );
    if (socket === null) {
      this.retry(conn);
      return;
    }
    this.socket = socket;
    // A socket that neither opens nor closes (a stalled handshake) is given up on.
    const openTimer = this.timers.set(
      () => this.abandon(socket, conn, `not open after ${OPEN_TIMEOUT_MS} ms`),
      OPEN_TIMEOUT_MS,
    );
    socket.onopen = () => this.opened(socket, conn, openTimer);
    socket.onmessage = (event: MessageEvent) => {
      if (socket !== this.socket) return;
      this.lastHeard = this.now();
      this.handleFrame(event.data);
    };
    socket.onerror = () => this.errored(socket, conn);
    socket.onclose = (event: CloseEvent) => this.closed(socket, conn, event);
  }

  /** The socket's `ws(s):` URL; undefined (traced, and the transport closed) when it cannot be made. */
  private socketUrl(conn: string): string | undefined {
    const httpUrl = this.url('ws', conn, {
      since: this.since,
      heartbeat: this.knobs.wsHeartbeatMs,
      // A heartbeat frame with each ping: the page never sees pings, and must notice silence.
      heartbeatAs: 'frame',
    });
    try {
      return toWebSocketUrl(httpUrl);
    } catch (error) {
      this.step('error', conn, {
        details: { error: describeError(error), errorCode: CLIENT_ERROR_CODES.NETWORK },
      });
      this.setState('closed');
      return undefined;
    }
  }

  private opened(socket: WebSocket, conn: string, openTimer: ReturnType<typeof setTimeout>): void {
    if (socket !== this.socket) return;
    this.timers.clear(openTimer);
    this.step('ws-open', conn, {
      dir: 'down',
      bytes: { header: 0, payload: 0 },
      details: {
        status: 101,
        statusText: 'Switching Protocols',
        note: 'the browser does not expose the 101 head; the server observer has its bytes',
      },
    });
    this.setState('open');
    this.recovered();
    this.lastHeard = this.now();
    this.watch(socket, conn);
    const waiters = this.openWaiters;
    this.openWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  private errored(socket: WebSocket, conn: string): void {
    if (socket !== this.socket) return;
    this.step('error', conn, {
      details: {
        error: 'WebSocket error (browsers do not say why; see the close code that follows)',
        errorCode: CLIENT_ERROR_CODES.NETWORK,
      },
    });
    // The close event should follow at once; some clients never send it after a refused upgrade.
    this.timers.set(
      () => this.abandon(socket, conn, 'no close event followed the error'),
      CLOSE_AFTER_ERROR_MS,
    );
  }

  private closed(socket: WebSocket, conn: string, event: CloseEvent): void {
    if (socket !== this.socket) return;
    this.detach();
    this.step('close', conn, {
      details: { closeCode: event.code, closeReason: event.reason, wasClean: event.wasClean },
    });
    this.failPending(
      new TransportError(
        `the socket closed (${event.code}) before the acknowledgement`,
        CLIENT_ERROR_CODES.NOT_OPEN,
        undefined,
        event.code,
      ),
    );
    this.retry(conn);
  }

  /** Gives up on a socket that is stuck (traced as its close), and reconnects. */
  private abandon(socket: WebSocket, conn: string, why: string): void {
    if (socket !== this.socket) return;
    this.detach();
    try {
      socket.close();
    } catch {
      // Closing a socket that is not open yet may throw in some clients; it is abandoned anyway.
    }
    this.step('close', conn, { details: { wasClean: false, note: `abandoned: ${why}` } });
    this.failPending(
      new TransportError(`the socket was abandoned: ${why}`, CLIENT_ERROR_CODES.NOT_OPEN),
    );
    this.retry(conn);
  }

  private detach(): WebSocket | undefined {
    const socket = this.socket;
    if (!socket) return undefined;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onerror = null;
    socket.onclose = null;
    this.socket = undefined;
    return socket;
  }

  private retry(conn: string): void {
    this.reconnectLater(
      conn,
      this.generation,
      (next) => this.connect(next),
      `reconnecting with since=${this.since ?? '(live)'}`,
    );
  }

  /** The open socket, waiting up to timeoutMs for one that is connecting. */
  private whenOpen(timeoutMs: number): Promise<WebSocket> {
    const ready = (): WebSocket | undefined =>
      this.socket && this.socket.readyState === WebSocket.OPEN ? this.socket : undefined;
    const now = ready();
    if (now) return Promise.resolve(now);
    if (!this.running) {
      return Promise.reject(
        new TransportError('the WebSocket transport is not started', CLIENT_ERROR_CODES.NOT_OPEN),
      );
    }
    return new Promise<WebSocket>((resolve, reject) => {
      const timer = this.timers.set(() => {
        this.openWaiters = this.openWaiters.filter((w) => w !== waiter);
        reject(
          new TransportError(
            `the socket did not open within ${timeoutMs} ms`,
            CLIENT_ERROR_CODES.NOT_OPEN,
          ),
        );
      }, timeoutMs);
      const waiter = {
        resolve: () => {
          this.timers.clear(timer);
          const socket = ready();
          if (socket) resolve(socket);
          else reject(new TransportError('the socket closed again', CLIENT_ERROR_CODES.NOT_OPEN));
        },
        reject: (error: Error) => {
          this.timers.clear(timer);
          reject(error);
        },
      };
      this.openWaiters.push(waiter);
    });
  }

  private failPending(error: TransportError): void {
    for (const pending of this.pending.values()) {
      this.timers.clear(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
    if (error.code === CLIENT_ERROR_CODES.STOPPED) {
      const waiters = this.openWaiters;
      this.openWaiters = [];
      for (const waiter of waiters) waiter.reject(error);
    }
  }

  private traceFrame(
    dir: 'up' | 'down',
    text: string,
    extra: TraceDetails = {},
    messageIds?: number[],
  ): void {
    const masked = dir === 'up';
    const payload = utf8Bytes(text);
    this.step('ws-frame', this.conn, {
      dir,
      bytes: { header: wsFrameHeaderBytes(payload, masked), payload },
      ...(messageIds ? { messageIds } : {}),
      details: { opcode: 1, masked, body: traceBody(text), ...extra },
    });
  }

  private handleFrame(data: unknown): void {
    if (typeof data !== 'string') {
      // The server only sends text frames; show a binary one for what it is.
      const size =
        data instanceof ArrayBuffer ? data.byteLength : data instanceof Blob ? data.size : 0;
      this.step('ws-frame', this.conn, {
        dir: 'down',
        bytes: { header: wsFrameHeaderBytes(size, false), payload: size },
        details: { opcode: 2, masked: false, note: 'unexpected binary frame' },
      });
      return;
    }
    let frame: IncomingFrame;
    try {
      const value: unknown = JSON.parse(data);
      frame = typeof value === 'object' && value !== null ? (value as IncomingFrame) : {};
    } catch {
      this.traceFrame('down', data);
      this.step('error', this.conn, {
        details: { error: 'frame is not JSON', errorCode: CLIENT_ERROR_CODES.BAD_RESPONSE },
      });
      return;
    }
    if (frame.type === 'message' && isMessage(frame.message)) {
      const message: Message = frame.message;
      this.traceFrame('down', data, {}, [message.id]);
      this.deliver(this.conn, message);
      return;
    }
    if (frame.type === 'published' && typeof frame.id === 'number') {
      this.traceFrame('down', data, { note: 'acknowledgement' }, [frame.id]);
      const ref = typeof frame.ref === 'string' ? frame.ref : undefined;
      const pending = ref === undefined ? undefined : this.pending.get(ref);
      if (ref !== undefined && pending) {
        this.pending.delete(ref);
        this.timers.clear(pending.timer);
        this.step('publish', pending.conn, {
          messageIds: [frame.id],
          details: { sentAt: pending.sentAt, from: this.actor },
        });
        pending.resolve(frame.id);
      }
      return;
    }
    if (frame.type === 'error') {
      const error = typeof frame.error === 'string' ? frame.error : 'refused';
      const code = isErrorCode(frame.code) ? frame.code : ERROR_CODES.UNKNOWN;
      this.traceFrame('down', data, { error, errorCode: code });
      // An error frame has no ref; the server answers frames in order, so it is the oldest send's.
      const oldest = this.pending.entries().next().value;
      if (oldest) {
        const [ref, pending] = oldest;
        this.pending.delete(ref);
        this.timers.clear(pending.timer);
        pending.reject(new TransportError(error, code));
      }
      return;
    }
    if (frame.type === 'heartbeat') {
      this.traceFrame('down', data, { note: 'heartbeat: the server is still there' });
      return;
    }
    if (frame.type === 'ahead' && typeof frame.lastId === 'number') {
      this.traceFrame('down', data, { note: 'ahead: our since is above the channel last id' });
      this.resumeAhead(this.conn, frame.lastId);
      return;
    }
    this.traceFrame('down', data, { note: 'unknown frame type' });
  }

  /**
   * Notices a silent socket: open, but no frame for SILENCE_HEARTBEATS
   * heartbeat intervals (the server sends a heartbeat frame with each ping).
   * A half-open socket never errors by itself; it is abandoned and reopened
   * from the last id.
   */
  private watch(socket: WebSocket, conn: string): void {
    watchSilence(this.timers, {
      heartbeatMs: this.knobs.wsHeartbeatMs,
      now: () => this.now(),
      lastHeard: () => this.lastHeard,
      isCurrent: () => socket === this.socket,
      onSilent: (silentFor) => {
        this.step('error', conn, {
          details: {
            error: `silent for ${Math.round(silentFor)} ms (no frame within ${SILENCE_HEARTBEATS} heartbeats): presumed dead`,
            errorCode: CLIENT_ERROR_CODES.SILENT,
          },
        });
        this.abandon(socket, conn, 'silent');
      },
    });
  }
}
