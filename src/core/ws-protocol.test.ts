import { describe, expect, it } from 'vitest';
import { parseClientOp } from './ws-protocol';

describe('parseClientOp', () => {
  it('accepts publish and resume', () => {
    expect(parseClientOp('{"op":"publish","text":"hi"}')).toEqual({
      ok: true,
      op: { op: 'publish', text: 'hi' },
    });
    expect(
      parseClientOp(
        '{"op":"publish","text":"hi","type":"chat","from":"alice","sentAt":1.5,"ref":"r1"}',
      ),
    ).toEqual({
      ok: true,
      op: { op: 'publish', text: 'hi', type: 'chat', from: 'alice', sentAt: 1.5, ref: 'r1' },
    });
    expect(parseClientOp('{"op":"resume","since":0}')).toEqual({
      ok: true,
      op: { op: 'resume', since: 0 },
    });
  });
  it.each([
    ['not json', 'RL_ERR_BAD_JSON', 1007],
    ['[1]', 'RL_ERR_BAD_OP', 1008],
    ['null', 'RL_ERR_BAD_OP', 1008],
    ['{"op":"dance"}', 'RL_ERR_UNKNOWN_OP', 1008],
    ['{}', 'RL_ERR_UNKNOWN_OP', 1008],
    ['{"op":"publish"}', 'RL_ERR_BAD_OP', 1008],
    ['{"op":"publish","text":1}', 'RL_ERR_BAD_OP', 1008],
    ['{"op":"publish","text":"x","type":"a b"}', 'RL_ERR_BAD_OP', 1008],
    ['{"op":"publish","text":"x","from":""}', 'RL_ERR_BAD_OP', 1008],
    ['{"op":"publish","text":"x","sentAt":"now"}', 'RL_ERR_BAD_OP', 1008],
    ['{"op":"resume","since":-1}', 'RL_ERR_BAD_OP', 1008],
    ['{"op":"resume","since":"3"}', 'RL_ERR_BAD_OP', 1008],
  ])('refuses %s with %s', (text, code, closeCode) => {
    const parsed = parseClientOp(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.code).toBe(code);
      expect(parsed.closeCode).toBe(closeCode);
      expect(parsed.error.length).toBeGreaterThan(10);
    }
  });
});
