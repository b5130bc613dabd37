import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { WS_OPCODES } from '../../src/core';
import { clientFrame, parseServerFrames, type ServerWireFrame } from './frame-codec';
import { waitFor } from './wait-for';

/**
 * A WebSocket client over a bare TCP socket: a real upgrade, then frames
 * written by hand, so that tests can send what a WebSocket library never
 * would. It collects the server's frames and notes when the server closes.
 */
export class RawWebSocket {
  readonly frames: ServerWireFrame[] = [];
  /** The close frame's code and reason once the server sent one. */
  closeFrame: { code: number; reason: string } | null = null;
  ended = false;
  private buffered: Buffer = Buffer.alloc(0);

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      const { frames, rest } = parseServerFrames(Buffer.concat([this.buffered, chunk]));
      this.buffered = rest;
      for (const frame of frames) {
        this.frames.push(frame);
        if (frame.opcode === WS_OPCODES.close && this.closeFrame === null) {
          this.closeFrame = {
            code: frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005,
            reason: frame.payload.subarray(2).toString('utf8'),
          };
        }
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => (this.ended = true));
  }

  /** Upgrades `path` on 127.0.0.1:`port`; rejects with the status line if the answer is not 101. */
  static open(port: number, path: string, timeoutMs = 2_000): Promise<RawWebSocket> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let head = Buffer.alloc(0);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('no upgrade answer'));
      }, timeoutMs);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        clearTimeout(timer);
        socket.off('data', onData);
        const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
        if (!statusLine.startsWith('HTTP/1.1 101')) {
          socket.destroy();
          reject(new Error(statusLine));
          return;
        }
        const raw = new RawWebSocket(socket);
        const rest = head.subarray(end + 4);
        if (rest.length > 0) socket.emit('data', rest);
        resolve(raw);
      };
      socket.on('data', onData);
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.on('connect', () =>
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
            `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
            'Sec-WebSocket-Version: 13\r\n\r\n',
        ),
      );
    });
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** The JSON text frames received so far. */
  json(): Record<string, unknown>[] {
    return this.frames
      .filter((f) => f.opcode === WS_OPCODES.text)
      .map((f) => JSON.parse(f.payload.toString('utf8')) as Record<string, unknown>);
  }

  /** Waits for the server's close frame (and answers it, as a client must); returns its code. */
  async closedWith(timeoutMs = 2_000): Promise<{ code: number; reason: string }> {
    await waitFor(() => this.closeFrame !== null, timeoutMs, 'a close frame');
    const close = this.closeFrame!;
    const echo = Buffer.alloc(2);
    echo.writeUInt16BE(close.code === 1005 ? 1000 : close.code);
    this.write(clientFrame(WS_OPCODES.close, echo));
    return close;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
