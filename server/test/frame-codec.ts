/** WebSocket frames by hand (RFC 6455 §5.2): client frames to send, server frames to read. */
import { randomBytes } from 'node:crypto';
import { wsFrameHeaderBytes } from '../../src/core';

/** What a client → server frame may break: FIN, the RSV bits, the mask (RFC 6455 §5.2). */
export interface FrameOptions {
  fin?: boolean;
  /** RSV1–3 as the three bits below FIN (0b100 = RSV1). */
  rsv?: number;
  masked?: boolean;
  /** Announce this payload length instead of the real one (for oversize announcements). */
  announcedLength?: number;
}

/** A client → server frame built by hand: masked and final unless told otherwise. */
export function clientFrame(
  opcode: number,
  payload: Buffer | string = Buffer.alloc(0),
  options: FrameOptions = {},
): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const masked = options.masked ?? true;
  const length = options.announcedLength ?? data.length;
  const header = Buffer.alloc(wsFrameHeaderBytes(length, masked));
  header[0] = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | (opcode & 0x0f);
  if (length <= 125) header[1] = length;
  else if (length <= 0xffff) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!masked) return Buffer.concat([header, data]);
  header[1] = header[1]! | 0x80;
  const mask = randomBytes(4);
  mask.copy(header, header.length - 4);
  return Buffer.concat([header, Buffer.from(data.map((b, i) => b ^ mask[i % 4]!))]);
}

/** A server → client frame as read off the wire (servers never mask). */
export interface ServerWireFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** Splits complete server frames off the front of `bytes`; returns them and what is left. */
export function parseServerFrames(bytes: Buffer): { frames: ServerWireFrame[]; rest: Buffer } {
  const frames: ServerWireFrame[] = [];
  let at = 0;
  for (;;) {
    if (bytes.length - at < 2) break;
    const b0 = bytes[at]!;
    const b1 = bytes[at + 1]!;
    let length = b1 & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      if (bytes.length < offset + 2) break;
      length = bytes.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      if (bytes.length < offset + 8) break;
      length = Number(bytes.readBigUInt64BE(offset));
      offset += 8;
    }
    if (bytes.length < offset + length) break;
    frames.push({
      fin: (b0 & 0x80) !== 0,
      opcode: b0 & 0x0f,
      payload: bytes.subarray(offset, offset + length),
    });
    at = offset + length;
  }
  return { frames, rest: bytes.subarray(at) };
}
