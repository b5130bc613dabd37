/**
 * WebSocket framing arithmetic (RFC 6455 §5.2). A frame header is 2 bytes, then
 * an extended payload length of 2 bytes when the payload is 126–65535 bytes or 8
 * bytes when it is larger, then a 4-byte masking key when the frame is masked
 * (every client → server frame is; no server → client frame is).
 */
export const WS_OPCODES = {
  continuation: 0,
  text: 1,
  binary: 2,
  close: 8,
  ping: 9,
  pong: 10,
} as const;
export type WsOpcodeName = keyof typeof WS_OPCODES;

export function wsFrameHeaderBytes(payloadLength: number, masked: boolean): number {
  if (!Number.isInteger(payloadLength) || payloadLength < 0) {
    throw new RangeError(`payload length must be a whole number ≥ 0, got ${payloadLength}`);
  }
  const lengthBytes = payloadLength <= 125 ? 0 : payloadLength <= 0xffff ? 2 : 8;
  return 2 + lengthBytes + (masked ? 4 : 0);
}

export function wsOpcodeName(opcode: number): WsOpcodeName | 'reserved' {
  const entry = Object.entries(WS_OPCODES).find(([, code]) => code === opcode);
  return entry ? (entry[0] as WsOpcodeName) : 'reserved';
}

/** Bytes of UTF-8 a string takes on the wire. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** WebSocket close codes the lab uses (RFC 6455 §7.4.1). */
export const WS_CLOSE = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  invalidData: 1007,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011,
  tryAgainLater: 1013,
} as const;

/** The fields of a frame header, bit by bit, as RFC 6455 §5.2 draws them. */
export interface FrameHeaderFields {
  fin: boolean;
  rsv: [boolean, boolean, boolean];
  opcode: number;
  opcodeName: WsOpcodeName | 'reserved';
  mask: boolean;
  /** The 7-bit length field: the length itself, or 126 / 127 announcing a 16- / 64-bit length. */
  lengthField: number;
  extendedLengthBytes: 0 | 2 | 8;
  maskingKeyBytes: 0 | 4;
  payloadLength: number;
  headerBytes: number;
  /** The first two header bytes in binary, e.g. `10000001 00000101`. */
  firstBytesBinary: string;
}

export function describeFrameHeader(
  payloadLength: number,
  opcode: number,
  masked: boolean,
  fin = true,
): FrameHeaderFields {
  const headerBytes = wsFrameHeaderBytes(payloadLength, masked);
  const lengthField = payloadLength <= 125 ? payloadLength : payloadLength <= 0xffff ? 126 : 127;
  const byte0 = (fin ? 0x80 : 0) | (opcode & 0x0f);
  const byte1 = (masked ? 0x80 : 0) | lengthField;
  return {
    fin,
    rsv: [false, false, false],
    opcode,
    opcodeName: wsOpcodeName(opcode),
    mask: masked,
    lengthField,
    extendedLengthBytes: lengthField === 126 ? 2 : lengthField === 127 ? 8 : 0,
    maskingKeyBytes: masked ? 4 : 0,
    payloadLength,
    headerBytes,
    firstBytesBinary: `${byte0.toString(2).padStart(8, '0')} ${byte1.toString(2).padStart(8, '0')}`,
  };
}
