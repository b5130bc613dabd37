import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app';

const JSON_HEADERS = { 'content-type': 'application/json' };
const big = JSON.stringify({ from: 'alice', text: 'x'.repeat(17 * 1024) });

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  payload?: string;
  status: number;
  code: string;
  /** A word the sentence must contain: it names what was wrong. */
  mentions: string;
}

const cases: Case[] = [
  {
    name: 'bad channel name',
    method: 'GET',
    url: '/api/channels/Lobby!/messages',
    status: 400,
    code: 'RL_ERR_BAD_CHANNEL',
    mentions: 'channel',
  },
  {
    name: 'too long channel name',
    method: 'GET',
    url: `/api/channels/${'a'.repeat(65)}/long-poll`,
    status: 400,
    code: 'RL_ERR_BAD_CHANNEL',
    mentions: 'channel',
  },
  {
    name: 'since=abc',
    method: 'GET',
    url: '/api/channels/lobby/messages?since=abc',
    status: 400,
    code: 'RL_ERR_BAD_SINCE',
    mentions: 'since',
  },
  {
    name: 'since=-1',
    method: 'GET',
    url: '/api/channels/lobby/long-poll?since=-1',
    status: 400,
    code: 'RL_ERR_BAD_SINCE',
    mentions: 'since',
  },
  {
    name: 'since=1.5 on ws',
    method: 'GET',
    url: '/api/channels/lobby/ws?since=1.5',
    status: 400,
    code: 'RL_ERR_BAD_SINCE',
    mentions: 'since',
  },
  {
    name: 'timeout=-1',
    method: 'GET',
    url: '/api/channels/lobby/long-poll?timeout=-1',
    status: 400,
    code: 'RL_ERR_BAD_TIMEOUT',
    mentions: 'timeout',
  },
  {
    name: 'timeout=abc',
    method: 'GET',
    url: '/api/channels/lobby/long-poll?timeout=abc',
    status: 400,
    code: 'RL_ERR_BAD_TIMEOUT',
    mentions: 'timeout',
  },
  {
    name: 'timeout=999999',
    method: 'GET',
    url: '/api/channels/lobby/long-poll?timeout=999999',
    status: 400,
    code: 'RL_ERR_BAD_TIMEOUT',
    mentions: '120000',
  },
  {
    name: 'retry out of range',
    method: 'GET',
    url: '/api/channels/lobby/events?retry=600001',
    status: 400,
    code: 'RL_ERR_BAD_TIMEOUT',
    mentions: 'retry',
  },
  {
    name: 'heartbeat too small',
    method: 'GET',
    url: '/api/channels/lobby/events?heartbeat=10',
    status: 400,
    code: 'RL_ERR_BAD_TIMEOUT',
    mentions: 'heartbeat',
  },
  {
    name: 'ws heartbeat not a number',
    method: 'GET',
    url: '/api/channels/lobby/ws?heartbeat=soon',
    status: 400,
    code: 'RL_ERR_BAD_TIMEOUT',
    mentions: 'heartbeat',
  },
  {
    name: 'lastEventId=x',
    method: 'GET',
    url: '/api/channels/lobby/events?lastEventId=x',
    status: 400,
    code: 'RL_ERR_BAD_LAST_EVENT_ID',
    mentions: 'lastEventId',
  },
  {
    name: 'bad Last-Event-ID header',
    method: 'GET',
    url: '/api/channels/lobby/events',
    headers: { 'last-event-id': 'yesterday' },
    status: 400,
    code: 'RL_ERR_BAD_LAST_EVENT_ID',
    mentions: 'Last-Event-ID',
  },
  {
    name: 'bad client label',
    method: 'GET',
    url: '/api/channels/lobby/messages?client=Alice%20Smith',
    status: 400,
    code: 'RL_ERR_BAD_LABEL',
    mentions: 'client',
  },
  {
    name: 'bad rid label',
    method: 'GET',
    url: `/api/channels/lobby/long-poll?rid=${'r'.repeat(65)}`,
    status: 400,
    code: 'RL_ERR_BAD_LABEL',
    mentions: 'rid',
  },
  {
    name: 'non-JSON body',
    method: 'POST',
    url: '/api/channels/lobby/messages',
    headers: JSON_HEADERS,
    payload: '{"from":',
    status: 400,
    code: 'RL_ERR_BAD_JSON',
    mentions: 'JSON',
  },
  {
    name: 'empty JSON body',
    method: 'POST',
    url: '/api/channels/lobby/messages',
    headers: JSON_HEADERS,
    payload: '',
    status: 400,
    code: 'RL_ERR_BAD_BODY',
    mentions: 'body',
  },
  {
    name: 'body not an object',
    method: 'POST',
    url: '/api/channels/lobby/messages',
    headers: JSON_HEADERS,
    payload: '[1]',
    status: 400,
    code: 'RL_ERR_BAD_BODY',
    mentions: 'body',
  },
  {
    name: 'missing text',
    method: 'POST',
    url: '/api/channels/lobby/messages',
    headers: JSON_HEADERS,
    payload: '{"from":"alice"}',
    status: 400,
    code: 'RL_ERR_BAD_BODY',
    mentions: 'text',
  },
  {
    name: 'empty from',
    method: 'POST',
    url: '/api/channels/lobby/messages',
    headers: JSON_HEADERS,
    payload: '{"from":"","text":"x"}',
    status: 400,
    code: 'RL_ERR_BAD_BODY',
    mentions: 'from',
  },
  {
    name: 'bad type',
    method: 'POST',
    url: '/api/channels/lobby/messages',
    headers: JSON_HEADERS,
    payload: '{"from":"a","text":"x","type":"a b"}',
    status: 400,
    code: 'RL_ERR_BAD_BODY',
    mentions: 'type',
  },
  {
    name: 'oversized body',
    method: 'POST',
    url: '/api/channels/lobby/messages',
    headers: JSON_HEADERS,
    payload: big,
    status: 413,
    code: 'RL_ERR_BODY_TOO_LARGE',
    mentions: 'larger',
  },
  {
    name: 'text/plain body',
    method: 'POST',
    url: '/api/channels/lobby/messages',
    headers: { 'content-type': 'text/plain' },
    payload: 'hello',
    status: 415,
    code: 'RL_ERR_UNSUPPORTED_MEDIA_TYPE',
    mentions: 'application/json',
  },
  {
    name: 'xml body',
    method: 'POST',
    url: '/api/channels/lobby/messages',
    headers: { 'content-type': 'application/xml' },
    payload: '<a/>',
    status: 415,
    code: 'RL_ERR_UNSUPPORTED_MEDIA_TYPE',
    mentions: 'application/json',
  },
  {
    name: 'unknown route',
    method: 'GET',
    url: '/api/nothing-here',
    status: 404,
    code: 'RL_ERR_NOT_FOUND',
    mentions: '/api/nothing-here',
  },
  {
    name: 'unknown channel endpoint',
    method: 'GET',
    url: '/api/channels/lobby/telepathy',
    status: 404,
    code: 'RL_ERR_NOT_FOUND',
    mentions: 'telepathy',
  },
  {
    name: 'method not allowed',
    method: 'DELETE',
    url: '/api/channels/lobby/messages',
    status: 404,
    code: 'RL_ERR_NOT_FOUND',
    mentions: 'DELETE',
  },
  {
    name: 'plain GET on ws',
    method: 'GET',
    url: '/api/channels/lobby/ws',
    status: 426,
    code: 'RL_ERR_NOT_WEBSOCKET',
    mentions: 'WebSocket',
  },
  {
    name: 'plain GET on observe',
    method: 'GET',
    url: '/api/observe',
    status: 426,
    code: 'RL_ERR_NOT_WEBSOCKET',
    mentions: 'WebSocket',
  },
  {
    name: 'bad fault field',
    method: 'POST',
    url: '/api/faults',
    headers: JSON_HEADERS,
    payload: '{"dorp":true}',
    status: 400,
    code: 'RL_ERR_BAD_FAULT',
    mentions: 'dorp',
  },
  {
    name: 'latency out of range',
    method: 'POST',
    url: '/api/faults',
    headers: JSON_HEADERS,
    payload: '{"latencyMs":{"up":10001}}',
    status: 400,
    code: 'RL_ERR_BAD_FAULT',
    mentions: 'latencyMs.up',
  },
  {
    name: 'restart without downForMs',
    method: 'POST',
    url: '/api/faults',
    headers: JSON_HEADERS,
    payload: '{"restart":{}}',
    status: 400,
    code: 'RL_ERR_BAD_FAULT',
    mentions: 'downForMs',
  },
  {
    name: 'bad percent-encoding in the path',
    method: 'GET',
    url: '/api/channels/%ZZ/messages',
    status: 400,
    code: 'RL_ERR_NOT_FOUND',
    mentions: 'percent-encoding',
  },
  {
    name: 'path parameter over the router limit',
    method: 'GET',
    url: `/api/channels/${'b'.repeat(150)}/messages`,
    status: 400,
    code: 'RL_ERR_BAD_CHANNEL',
    mentions: 'channel',
  },
  {
    name: 'bad Host',
    method: 'GET',
    url: '/api/health',
    headers: { host: 'attacker.example' },
    status: 403,
    code: 'RL_ERR_BAD_HOST',
    mentions: 'attacker.example',
  },
];

describe('bad input of any kind gets a 4xx JSON error with a code', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ logLevel: 'silent' });
    await app.ready();
  });
  afterAll(async () => app.close());

  it.each(cases)('$name → $status $code', async (c) => {
    const res = await app.inject({
      method: c.method,
      url: c.url,
      ...(c.headers ? { headers: c.headers } : {}),
      ...(c.payload !== undefined ? { payload: c.payload } : {}),
    });
    expect(res.statusCode).toBe(c.status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json<{ error: string; code: string }>();
    expect(body.code).toBe(c.code);
    expect(body.error).toContain(c.mentions);
    expect(app.lab.stats()).toMatchObject({
      heldPolls: 0,
      sseStreams: 0,
      sockets: 0,
      hubListeners: 0,
    });
  });

  it('health answers ok', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
  });
});
