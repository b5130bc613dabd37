import { describe, expect, it } from 'vitest';
import { parsePollResponse } from './message-parsers';
import { TransportError } from './transport-error';
import { message } from './test/fakes';

describe('parsePollResponse', () => {
  it('reads messages and lastId', () => {
    const body = { messages: [message(1)], lastId: 1 };
    expect(parsePollResponse(JSON.stringify(body))).toEqual(body);
  });

  it('refuses what is not a poll answer with a coded error', () => {
    expect(() => parsePollResponse('<html>')).toThrow(TransportError);
    expect(() => parsePollResponse('{"messages":[]}')).toThrow(/lastId/);
    expect(() => parsePollResponse('{"messages":[{"id":1}],"lastId":1}')).toThrow(/not a message/);
    try {
      parsePollResponse('nope');
    } catch (error) {
      expect((error as TransportError).code).toBe('RL_ERR_BAD_RESPONSE');
    }
  });
});
