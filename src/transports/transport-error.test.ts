import { describe, expect, it } from 'vitest';
import { parseErrorBody } from './transport-error';

describe('parseErrorBody', () => {
  it('reads the server error body, or names the status', () => {
    expect(parseErrorBody(400, '{"error":"bad since","code":"RL_ERR_BAD_SINCE"}')).toEqual({
      error: 'bad since',
      code: 'RL_ERR_BAD_SINCE',
    });
    expect(parseErrorBody(503, '')).toEqual({ error: 'HTTP 503', code: 'HTTP_503' });
  });
});
