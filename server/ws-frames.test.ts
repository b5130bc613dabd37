import { afterEach, describe, expect, it } from 'vitest';
import { WS_CLOSE, WS_OPCODES } from '../src/core';
import { observeTrace, startApp, type Running } from './test/helpers';
import { waitFor } from './test/wait-for';
import { clientFrame } from './test/frame-codec';
import { RawWebSocket } from './test/raw-websocket';

const { text, binary, continuation, close, ping, pong } = WS_OPCODES;

function closePayload(code: number, reason = ''): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code);
  payload.write(reason, 2);
  return payload;
}

interface BadFrames {
  name: string;
  frames: () => Buffer[];
  /** The close code the server must send (RFC 6455 §7.4.1). */
  closeCode: number;
  /** ws's error code, traced as the `error` step's errorCode. */
  wsCode: string;
}

/** Frames a conforming client never sends; ws refuses each with a close code (RFC 6455 §5, §7.4.1). */
const bad: BadFrames[] = [
  {
    name: 'invalid UTF-8 in a text frame',
    // 0xC3 starts a two-byte sequence; 0x28 cannot continue it.
    frames: () => [clientFrame(text, Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))],
    closeCode: WS_CLOSE.invalidData,
    wsCode: 'WS_ERR_INVALID_UTF8',
  },
  {
    name: 'invalid UTF-8 split across fragments',
    frames: () => [
      clientFrame(text, Buffer.from([0x22, 0xe2, 0x82]), { fin: false }),
      clientFrame(continuation, Buffer.from([0x41, 0x22])),
    ],
    closeCode: WS_CLOSE.invalidData,
    wsCode: 'WS_ERR_INVALID_UTF8',
  },
  {
    name: 'an unknown data opcode (3)',
    frames: () => [clientFrame(3, '{}')],
    closeCode: WS_CLOSE.protocolError,
    wsCode: 'WS_ERR_INVALID_OPCODE',
  },
  {
    name: 'an unknown control opcode (11)',
    frames: () => [clientFrame(11)],
    closeCode: WS_CLOSE.protocolError,
    wsCode: 'WS_ERR_INVALID_OPCODE',
  },
  {
    name: 'a continuation with no message started',
    frames: () => [clientFrame(continuation, '"x"')],
    closeCode: WS_CLOSE.protocolError,
    wsCode: 'WS_ERR_INVALID_OPCODE',
  },
  {
    name: 'a new text frame while a fragmented message is open',
    frames: () => [clientFrame(text, '{"op":', { fin: false }), clientFrame(text, '{}')],
    closeCode: WS_CLOSE.protocolError,
    wsCode: 'WS_ERR_INVALID_OPCODE',
  },
  {
    name: 'RSV1 set with no extension negotiated',
    frames: () => [clientFrame(text, '{}', { rsv: 0b100 })],
    closeCode: WS_CLOSE.protocolError,
    wsCode: 'WS_ERR_UNEXPECTED_RSV_1',
  },
  {
    name: 'an unmasked client frame',
    frames: () => [clientFrame(text, '{}', { masked: false })],
    closeCode: WS_CLOSE.protocolError,
    wsCode: 'WS_ERR_EXPECTED_MASK',
  },
  {
    name: 'a fragmented ping',
    frames: () => [clientFrame(ping, 'a', { fin: false })],
    closeCode: WS_CLOSE.protocolError,
    wsCode: 'WS_ERR_EXPECTED_FIN',
  },
  {
    name: 'a ping over 125 bytes',
    frames: () => [clientFrame(ping, 'p'.repeat(126))],
    closeCode: WS_CLOSE.protocolError,
    wsCode: 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH',
  },
  {
    name: 'a close with a code no endpoint may send (999)',
    frames: () => [clientFrame(close, closePayload(999))],
    closeCode: WS_CLOSE.protocolError,
    wsCode: 'WS_ERR_INVALID_CLOSE_CODE',
  },
  {
    name: 'a frame announcing 1 MiB (limit 16 KiB), refused before its payload',
    frames: () => [clientFrame(binary, Buffer.alloc(0), { announcedLength: 1 << 20 })],
    closeCode: WS_CLOSE.messageTooBig,
    wsCode: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
  },
  {
    name: 'fragments that add up to more than the limit',
    frames: () => [
      clientFrame(text, 'a'.repeat(10_000), { fin: false }),
      clientFrame(continuation, 'a'.repeat(10_000)),
    ],
    closeCode: WS_CLOSE.messageTooBig,
    wsCode: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
  },
];

describe('WebSocket protocol rules, with frames written by hand after a real upgrade', () => {
  let running: Running;
  afterEach(async () => running?.close());

  it.each(bad)('$name → close $closeCode ($wsCode), traced', async (c) => {
    running = await startApp();
    const { events } = await observeTrace(running);
    const raw = await RawWebSocket.open(running.port, '/api/channels/lobby/ws?rid=raw-1');
    await waitFor(() => running.app.lab.stats().sockets === 1);
    for (const frame of c.frames()) raw.write(frame);
    const closed = await raw.closedWith();
    expect(closed.code).toBe(c.closeCode);
    // The server ends the TCP connection after its close frame.
    await waitFor(() => raw.ended, 2_000, 'the server to end the connection');
    await waitFor(() => running.app.lab.stats().sockets === 0, 2_000, 'the socket to be forgotten');
    await waitFor(() => events().some((e) => e.conn === 'raw-1' && e.kind === 'close'));
    const error = events().find((e) => e.conn === 'raw-1' && e.kind === 'error');
    expect(error?.details).toMatchObject({ errorCode: c.wsCode, closeCode: c.closeCode });
    expect(running.app.lab.hub.channel('lobby').lastId).toBe(0);
  });

  it('reassembles a fragmented message (with a ping between its fragments) and acts on it', async () => {
    running = await startApp();
    const raw = await RawWebSocket.open(running.port, '/api/channels/lobby/ws?client=frag');
    raw.write(clientFrame(text, '{"op":"publish",', { fin: false }));
    raw.write(clientFrame(continuation, '"text":"in three ', { fin: false }));
    // A control frame may come between the fragments of a message (RFC 6455 §5.4).
    raw.write(clientFrame(ping, 'mid'));
    raw.write(clientFrame(continuation, 'parts ✓","ref":"f1"}'));
    await waitFor(() => raw.json().some((f) => f.type === 'published'), 2_000, 'the ack');
    expect(raw.json()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'published', id: 1, ref: 'f1' }),
        expect.objectContaining({
          type: 'message',
          message: expect.objectContaining({ text: 'in three parts ✓', from: 'frag' }),
        }),
      ]),
    );
    const pongs = raw.frames.filter((f) => f.opcode === pong);
    expect(pongs.map((f) => f.payload.toString())).toEqual(['mid']);
    // A clean close is echoed with the same code.
    raw.write(clientFrame(close, closePayload(WS_CLOSE.normal, 'bye')));
    await waitFor(() => raw.closeFrame !== null);
    expect(raw.closeFrame?.code).toBe(WS_CLOSE.normal);
    await waitFor(() => running.app.lab.stats().sockets === 0);
    raw.destroy();
  });

  it('a peer that sends nothing and answers no ping is cut by the heartbeat, and it is traced', async () => {
    running = await startApp();
    const { events } = await observeTrace(running);
    const started = Date.now();
    // A raw socket answers nothing: not the pings either.
    const raw = await RawWebSocket.open(
      running.port,
      '/api/channels/lobby/ws?heartbeat=250&rid=mute',
    );
    await waitFor(() => raw.ended, 3_000, 'the server to cut the silent peer');
    const elapsed = Date.now() - started;
    // Cut at the second beat: one ping unanswered for a whole interval, no close frame (the peer is gone).
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(raw.frames.filter((f) => f.opcode === ping).length).toBeGreaterThanOrEqual(1);
    expect(raw.closeFrame).toBeNull();
    await waitFor(() => running.app.lab.stats().sockets === 0);
    await waitFor(() => events().some((e) => e.conn === 'mute' && e.kind === 'close'));
    const mute = events().filter((e) => e.conn === 'mute');
    expect(mute.find((e) => e.kind === 'error')?.details?.errorCode).toBe('RL_ERR_MISSED_PONG');
    expect(mute.find((e) => e.kind === 'close')?.details).toMatchObject({
      closeCode: 1006,
      wasClean: false,
    });
  });
});
