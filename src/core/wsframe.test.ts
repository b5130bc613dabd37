import { describe, expect, it } from 'vitest';
import { describeFrameHeader, utf8Bytes, wsFrameHeaderBytes, wsOpcodeName } from './wsframe';

describe('wsFrameHeaderBytes (RFC 6455 §5.2)', () => {
  it.each([
    [0, false, 2],
    [125, false, 2],
    [126, false, 4],
    [65535, false, 4],
    [65536, false, 10],
    [0, true, 6],
    [125, true, 6],
    [126, true, 8],
    [65536, true, 14],
  ])('payload %i masked=%s → %i bytes', (length, masked, expected) => {
    expect(wsFrameHeaderBytes(length, masked)).toBe(expected);
  });
  it('refuses a length that is not a whole number ≥ 0', () => {
    expect(() => wsFrameHeaderBytes(-1, false)).toThrow(RangeError);
    expect(() => wsFrameHeaderBytes(1.5, false)).toThrow(RangeError);
  });
  it('names opcodes', () => {
    expect(wsOpcodeName(1)).toBe('text');
    expect(wsOpcodeName(9)).toBe('ping');
    expect(wsOpcodeName(3)).toBe('reserved');
  });
});

describe('utf8Bytes', () => {
  it.each(['', 'hello', 'héllo', '€', '😀', 'a\ud800b', '日本語 text'])(
    'agrees with TextEncoder for %j',
    (text) => {
      expect(utf8Bytes(text)).toBe(new TextEncoder().encode(text).length);
    },
  );
});

describe('describeFrameHeader', () => {
  it('lays out a small masked text frame from the client', () => {
    expect(describeFrameHeader(5, 1, true)).toEqual({
      fin: true,
      rsv: [false, false, false],
      opcode: 1,
      opcodeName: 'text',
      mask: true,
      lengthField: 5,
      extendedLengthBytes: 0,
      maskingKeyBytes: 4,
      payloadLength: 5,
      headerBytes: 6,
      firstBytesBinary: '10000001 10000101',
    });
  });
  it('announces 16- and 64-bit lengths with 126 and 127', () => {
    expect(describeFrameHeader(300, 2, false)).toMatchObject({
      lengthField: 126,
      extendedLengthBytes: 2,
      headerBytes: 4,
      firstBytesBinary: '10000010 01111110',
    });
    expect(describeFrameHeader(70_000, 1, false)).toMatchObject({
      lengthField: 127,
      extendedLengthBytes: 8,
      headerBytes: 10,
    });
    expect(describeFrameHeader(0, 9, false)).toMatchObject({
      opcodeName: 'ping',
      firstBytesBinary: '10001001 00000000',
    });
  });
});
